package main

import (
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// historyQuery is the web app's first page of u's conversation (pageQuery
// in ui/js/views/chat/history.js): its 20 newest questions, newest first,
// each with its answer and all its answers expanded, without totals.
func (u chatUser) historyQuery() string {
	return url.Values{
		"perPage":   {"20"},
		"sort":      {"-created,-id"},
		"filter":    {fmt.Sprintf("user = '%s' && conversation = '%s' && role = 'user'", u.id, u.conversation)},
		"expand":    {"reply,chats_via_question"},
		"skipTotal": {"1"},
	}.Encode()
}

// smallData is a fresh install: one user with 10 chats (the whole chats
// table) in one conversation, 50 users with a daily limit of 100,000 for
// the load tests, each with one conversation and no chats yet (the first
// requests of the warm-up fill them; from then on each request sends the
// context), and 10,000 approved quotes (-quotes) for the prompt's
// grounding.
type smallData struct {
	quotaToken string
	users      []chatUser // the load tests' users
}

func buildSmall(dir string) (smallData, error) {
	var out smallData
	d, err := openDataset(dir)
	if err != nil {
		return out, err
	}
	defer d.close()
	quota, err := d.addUsers("quota", 1, 0)
	if err != nil {
		return out, err
	}
	if err := d.addChatRows(d.addChats(quota[0], 5, 24*time.Hour, 24*time.Hour)); err != nil {
		return out, err
	}
	load, err := d.addUsers("load", 50, 100000)
	if err != nil {
		return out, err
	}
	convs, err := d.addConversations(load)
	if err != nil {
		return out, err
	}
	if err := d.addQuotes(smallQuotes); err != nil {
		return out, err
	}
	if out.quotaToken, err = d.token(quota[0]); err != nil {
		return out, err
	}
	for i, id := range load {
		u, err := d.newChatUser(id, convs[i])
		if err != nil {
			return out, err
		}
		out.users = append(out.users, u)
	}
	return out, nil
}

// bigData is 10,000 users with 1,000,000 chats: the heaviest user has
// 100,000 over the last 10 days, in one conversation a day (10,000 chats
// each), the others about 90 each over a year, in one conversation each.
// The history shows each one's most recent conversation, as the web app
// opens it.
type bigData struct {
	typical, heavy chatUser
	search         latencies
	searchLoad     time.Duration // the first search, which loads the index
	notFound       []string      // questions that found no quote
}

func buildBig(dir string) (bigData, error) {
	var out bigData
	d, err := openDataset(dir)
	if err != nil {
		return out, err
	}
	defer d.close()
	users, err := d.addUsers("user", 10000, 0)
	if err != nil {
		return out, err
	}
	const pairs, heavyPairs = 500000, 50000
	rest := pairs - heavyPairs
	typical := len(users) / 2
	latest := make(map[int]string) // the last conversation of the heaviest and the typical user
	var rows, convs [][]any
	for i, id := range users {
		n, span, length := heavyPairs, 10*24*time.Hour, 24*time.Hour
		if i > 0 {
			n, span = rest/(len(users)-1), 365*24*time.Hour
			length = span
			if i <= rest%(len(users)-1) {
				n++
			}
		}
		c, v := d.addChats(id, n, span, length)
		rows, convs = append(rows, c...), append(convs, v...)
		if i == 0 || i == typical {
			latest[i] = v[len(v)-1][0].(string)
		}
		if len(rows) >= 100000 || i == len(users)-1 {
			if err := d.addChatRows(rows, convs); err != nil {
				return out, err
			}
			rows, convs = rows[:0], convs[:0]
		}
		if i%2000 == 1999 {
			logf("  chats of %d users written", i+1)
		}
	}
	var total, conversations int
	if err := d.db.QueryRow(`SELECT count(*) FROM chats`).Scan(&total); err != nil || total != 2*pairs {
		return out, fmt.Errorf("expected %d chats, got %d (%v)", 2*pairs, total, err)
	}
	if err := d.db.QueryRow(`SELECT count(*) FROM conversations`).Scan(&conversations); err != nil {
		return out, err
	}
	logf("  %d conversations", conversations)
	logf("  10,000 quotes and their index")
	if err := d.addQuotes(10000); err != nil {
		return out, err
	}
	logf("quote search")
	if out.search, out.searchLoad, out.notFound, err = measureSearch(d.app.DB(), 100); err != nil {
		return out, err
	}
	if out.heavy, err = d.newChatUser(users[0], latest[0]); err != nil {
		return out, err
	}
	out.typical, err = d.newChatUser(users[typical], latest[typical])
	return out, err
}

// readFigures measures the quota check and the history with both servers
// running, before any load test writes chats.
func readFigures(t *table, smallSrv, bigSrv *server, small smallData, big bigData) error {
	for _, s := range []*server{smallSrv, bigSrv} {
		if _, err := s.start(); err != nil {
			return err
		}
	}
	logf("quota check: 10 chats against 1,000,000")
	quota := "/api/chat/quota"
	lat, err := interleave(500, 50,
		timed(http.MethodGet, smallSrv.URL()+quota, small.quotaToken, http.StatusOK),
		timed(http.MethodGet, bigSrv.URL()+quota, big.heavy.token, http.StatusOK))
	if err != nil {
		return err
	}
	s, b := lat[0].pct(.5), lat[1].pct(.5)
	t.info("quota check, 10 chats in a DB of 10: p50", ms(s))
	t.info("quota check, 100,000 chats in a DB of 1,000,000: p50", ms(b))
	ratio := float64(b) / float64(s)
	t.check("quota check: ratio 1,000,000 / 10", fmt.Sprintf("%.2f×", ratio), "about the same (≤ 1.5×)", ratio <= 1.5)

	logf("history: first page of 20 among 1,000,000 chats")
	records := bigSrv.URL() + "/api/collections/chats/records?"
	all := records + "perPage=20&sort=-created" // every chat of the user, totals from the per-user counter
	for _, u := range []chatUser{big.typical, big.heavy} {
		if err := checkHistory(records+u.historyQuery(), u.token); err != nil {
			return err
		}
	}
	lat, err = interleave(300, 30,
		timed(http.MethodGet, records+big.typical.historyQuery(), big.typical.token, http.StatusOK),
		timed(http.MethodGet, records+big.heavy.historyQuery(), big.heavy.token, http.StatusOK),
		timed(http.MethodGet, all, big.typical.token, http.StatusOK),
		timed(http.MethodGet, all, big.heavy.token, http.StatusOK))
	if err != nil {
		return err
	}
	for i, name := range []string{"the web app's, typical user (90 chats)",
		"the web app's, heaviest user (100,000 chats; 10,000 in the conversation)",
		"all chats with totals, typical user", "all chats with totals, heaviest user"} {
		p := lat[i].pct(.5)
		t.check("history page 1 of 20, "+name+": p50", ms(p), "≤ 3 ms", msOf(p) <= 3)
	}
	if err := boardFigures(t, bigSrv); err != nil {
		return err
	}
	return bigSrv.stop()
}

// checkHistory makes sure that the history request at url answers a full
// page of questions of the conversation, each with its answer expanded:
// a query that matched nothing would be timed as a fast one.
func checkHistory(url, token string) error {
	var page struct {
		Items []struct {
			Role   string `json:"role"`
			Expand struct {
				Reply struct {
					Role string `json:"role"`
				} `json:"reply"`
			} `json:"expand"`
		} `json:"items"`
	}
	data, err := callJSON(http.MethodGet, url, token, nil, http.StatusOK, &page)
	if err != nil {
		return err
	}
	if len(page.Items) != 20 {
		return fmt.Errorf("GET %s: expected 20 questions, got %d", url, len(page.Items))
	}
	for _, it := range page.Items {
		if it.Role != "user" || it.Expand.Reply.Role != "assistant" {
			return fmt.Errorf("GET %s: expected questions with their answers expanded: %.300s", url, data)
		}
	}
	return nil
}

// pacedRates are the rates of the open-loop proxy tests; the latency
// targets are checked at the first.
var pacedRates = []struct {
	label     string
	perSecond float64
	checked   bool
}{{"500", 500, true}, {"1,000", 1000, false}}

// loadFigures runs the load tests on the small server, which readFigures
// left running: proxy overhead, streaming, memory. With -perf, perf
// records the server during all three into perfOut.
func loadFigures(t *table, srv *server, fake *fakeUpstream, small smallData, perfOut string) error {
	if rss, err := srv.rssMB(); err == nil {
		t.info("memory: server RSS before the load tests", fmt.Sprintf("%.0f MB", rss))
	}
	// Followers cost too little for VmRSS to show a hundred of them beside
	// what the runtime frees and returns meanwhile: 1,000 are measured, and
	// a tenth of their cost reported.
	logf("memory: 1,000 followers of one running answer")
	followed, err := measureFollowers(srv, fake, small.users[0], 1000)
	if err != nil {
		return err
	}
	t.check("memory: RSS added by 100 followers of one running answer (a tenth of 1,000's)", fmt.Sprintf("%.1f MB", followed/10), "≤ 10 MB", followed/10 <= 10)

	if perfLoad {
		stop, err := srv.perfRecord(perfOut)
		if err != nil {
			return err
		}
		defer stop()
	}
	p, err := measureProxy(srv, fake, small.users, concurrency, 3, roundLength)
	if err != nil {
		return err
	}
	t.info(fmt.Sprintf("proxy, closed loop c=%d, fake called directly: p50 / p99", concurrency), fmt.Sprintf("%.2f ms / %.2f ms", p.directP50, p.directP99))
	t.info("proxy, closed loop, fake called directly: requests/s", fmt.Sprintf("%.0f", p.directRPS))
	t.info(fmt.Sprintf("proxy, closed loop c=%d, POST /api/chat: p50 / p99", concurrency), fmt.Sprintf("%.2f ms / %.2f ms", p.chatP50, p.chatP99))
	t.hourly("proxy, closed loop, POST /api/chat: requests/s", fmt.Sprintf("%.0f", p.chatRPS), "≥ 1,000", p.chatRPS >= 1000)
	t.info("proxy, closed loop: added p50 / p99 (the queue: c / throughput)", fmt.Sprintf("%.2f ms / %.2f ms", p.addedP50, p.addedP99))
	t.info("proxy, closed loop: requests/s ratio stovebot / direct", fmt.Sprintf("%.3g", p.chatRPS/p.directRPS))
	t.info("proxy: server CPU time per POST /api/chat", fmt.Sprintf("%.2f ms", p.cpuPerChat))
	t.info("proxy: the fake's CPU time per direct call", fmt.Sprintf("%.3f ms", p.cpuPerDirect))
	t.info("proxy: CPU ratio, stovebot per chat request / the fake per direct call", fmt.Sprintf("%.0f×", p.cpuPerChat/p.cpuPerDirect))
	t.direct = fmt.Sprintf("%.0f requests/s closed loop, p50 %.2f ms, %.3f ms of CPU a call", p.directRPS, p.directP50, p.cpuPerDirect)

	// SPEC 12's added p50 and p99 "at concurrency 10" cannot be read off
	// the closed loop above, whose latency is 10 / throughput: they are
	// checked open-loop, requests due at a fixed rate with at most 10 in
	// flight, at half the required throughput, and shown at all of it.
	for _, rate := range pacedRates {
		pf, err := measurePaced(srv, fake, small.users, concurrency, rate.perSecond, 3, roundLength)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("proxy, open loop %s requests/s, ≤ %d in flight", rate.label, concurrency)
		t.info(name+": direct p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms", pf.directP50, pf.directP99))
		t.info(name+": POST /api/chat p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms", pf.chatP50, pf.chatP99))
		t.info(name+": chat requests in flight, mean", fmt.Sprintf("%.2f", pf.inFlight))
		t.info(name+": pacer's lateness p50 / p99 (not counted)", fmt.Sprintf("%.2f ms / %.2f ms", pf.lagP50, pf.lagP99))
		if rate.checked {
			t.hourly(name+": added p50", fmt.Sprintf("%.2f ms", pf.addedP50), "≤ 1 ms", pf.addedP50 <= 1)
			t.hourly(name+": added p99", fmt.Sprintf("%.2f ms", pf.addedP99), "≤ 5 ms", pf.addedP99 <= 5)
		} else {
			t.info(name+": added p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms", pf.addedP50, pf.addedP99))
		}
	}

	logf("proxy overhead: one request at a time, POST /api/chat and POST /v1/chat/completions")
	if err := makeKeys(srv, small.users); err != nil {
		return err
	}
	sd, sc, sv, err := measureSequential(srv, fake, small.users, 500)
	if err != nil {
		return err
	}
	t.info("proxy, one request at a time: added p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms",
		msOf(sc.pct(.5)-sd.pct(.5)), msOf(sc.pct(.99)-sd.pct(.99))))
	t.info("proxy, one request at a time, POST /v1/chat/completions: added p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms",
		msOf(sv.pct(.5)-sd.pct(.5)), msOf(sv.pct(.99)-sd.pct(.99))))
	// "adds no more than POST /api/chat does", within the 0.1 ms that
	// latencies move by from run to run
	v1Added, chatAdded := msOf(sv.pct(.5)-sd.pct(.5)), msOf(sc.pct(.5)-sd.pct(.5))
	t.hourly("proxy, one request at a time: /v1 added p50 minus /api/chat's", fmt.Sprintf("%+.2f ms", v1Added-chatAdded),
		"≤ 0.1 ms", v1Added-chatAdded <= 0.1)

	logf("streaming: time to first delta")
	direct, chat, err := measureStream(srv, fake, small.users, 300)
	if err != nil {
		return err
	}
	t.info("streaming: fake's own time to first token, p50", ms(direct.pct(.5)))
	t.info("streaming: first delta through stovebot, p50", ms(chat.pct(.5)))
	added := chat.pct(.5) - direct.pct(.5)
	t.hourly("streaming: added time to first delta, p50", ms(added), "≤ 1 ms", msOf(added) <= 1)

	logf("memory: 1,000 open streams")
	rss, conns, err := measureMemory(srv, fake, small.users, 1000)
	if err != nil {
		return err
	}
	t.check("memory: server RSS with 1,000 open streams", fmt.Sprintf("%.0f MB", rss), "≤ 150 MB", rss <= 150)
	t.info("memory: SQLite connections open on data.db then", fmt.Sprint(conns))
	if err := checkConversations(srv, small.users); err != nil {
		return err
	}
	return srv.stop()
}

// checkConversations makes sure that every chat request of the load tests
// continued its user's conversation: each user still has the one
// conversation the data set gave them, besides their key's.
func checkConversations(srv *server, users []chatUser) error {
	for _, u := range users {
		var list struct {
			TotalItems int `json:"totalItems"`
		}
		// besides the one that the /v1 calls of the user's key ("sdk") go into
		if _, err := callJSON(http.MethodGet, srv.URL()+"/api/collections/conversations/records?perPage=1&filter="+url.QueryEscape("title != 'sdk'"), u.token, nil, http.StatusOK, &list); err != nil {
			return err
		}
		if list.TotalItems != 1 {
			return fmt.Errorf("user %s has %d conversations after the load tests, expected 1: some chat requests started new ones", u.id, list.TotalItems)
		}
	}
	return nil
}

// startFigures times cold starts on both data dirs.
func startFigures(t *table, smallSrv, bigSrv *server) error {
	for _, c := range []struct {
		name string
		srv  *server
	}{{"small data dir", smallSrv}, {"1,000,000-chat data dir", bigSrv}} {
		logf("cold start: %s", c.name)
		lat, err := measureColdStart(c.srv, 5)
		if err != nil {
			return err
		}
		p := lat.pct(.5)
		t.check("cold start to /api/health 200, "+c.name+": median of 5", ms(p), "≤ 300 ms", msOf(p) <= 300)
	}
	return nil
}
