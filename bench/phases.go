package main

import (
	"fmt"
	"net/http"
	"time"
)

// smallData is a fresh install: one user with 10 chats (the whole chats
// table), 50 users with a daily limit of 100,000 for the load tests, and
// 10,000 approved quotes (-quotes) for the prompt's grounding.
type smallData struct {
	quotaToken string
	tokens     []string
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
	if err := d.bulk("chats", chatCols, d.addChats(quota[0], 5, 24*time.Hour)); err != nil {
		return out, err
	}
	load, err := d.addUsers("load", 50, 100000)
	if err != nil {
		return out, err
	}
	if err := d.addQuotes(smallQuotes); err != nil {
		return out, err
	}
	if out.quotaToken, err = d.token(quota[0]); err != nil {
		return out, err
	}
	for _, id := range load {
		tok, err := d.token(id)
		if err != nil {
			return out, err
		}
		out.tokens = append(out.tokens, tok)
	}
	return out, nil
}

// bigData is 10,000 users with 1,000,000 chats: the heaviest user has
// 100,000 over the last 10 days, the others about 90 each over a year.
type bigData struct {
	typical, heavy string // tokens
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
	var rows [][]any
	for i, id := range users {
		n, span := heavyPairs, 10*24*time.Hour
		if i > 0 {
			n, span = rest/(len(users)-1), 365*24*time.Hour
			if i <= rest%(len(users)-1) {
				n++
			}
		}
		rows = append(rows, d.addChats(id, n, span)...)
		if len(rows) >= 100000 || i == len(users)-1 {
			if err := d.bulk("chats", chatCols, rows); err != nil {
				return out, err
			}
			rows = rows[:0]
		}
		if i%2000 == 1999 {
			logf("  chats of %d users written", i+1)
		}
	}
	var total int
	if err := d.db.QueryRow(`SELECT count(*) FROM chats`).Scan(&total); err != nil || total != 2*pairs {
		return out, fmt.Errorf("expected %d chats, got %d (%v)", 2*pairs, total, err)
	}
	logf("  10,000 quotes and their index")
	if err := d.addQuotes(10000); err != nil {
		return out, err
	}
	logf("quote search")
	if out.search, out.searchLoad, out.notFound, err = measureSearch(d.app.DB(), 100); err != nil {
		return out, err
	}
	if out.heavy, err = d.token(users[0]); err != nil {
		return out, err
	}
	out.typical, err = d.token(users[len(users)/2])
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
		timed(http.MethodGet, bigSrv.URL()+quota, big.heavy, http.StatusOK))
	if err != nil {
		return err
	}
	s, b := lat[0].pct(.5), lat[1].pct(.5)
	t.info("quota check, 10 chats in a DB of 10: p50", ms(s))
	t.info("quota check, 100,000 chats in a DB of 1,000,000: p50", ms(b))
	ratio := float64(b) / float64(s)
	t.check("quota check: ratio 1,000,000 / 10", fmt.Sprintf("%.2f×", ratio), "about the same (≤ 1.5×)", ratio <= 1.5)

	logf("history: first page of 20 among 1,000,000 chats")
	page := bigSrv.URL() + "/api/collections/chats/records?perPage=20&sort=-created"
	lat, err = interleave(300, 30,
		timed(http.MethodGet, page, big.typical, http.StatusOK),
		timed(http.MethodGet, page+"&skipTotal=1", big.typical, http.StatusOK),
		timed(http.MethodGet, page, big.heavy, http.StatusOK),
		timed(http.MethodGet, page+"&skipTotal=1", big.heavy, http.StatusOK))
	if err != nil {
		return err
	}
	for i, name := range []string{"typical user (90 chats)", "typical user, skipTotal=1",
		"heaviest user (100,000 chats)", "heaviest user, skipTotal=1"} {
		p := lat[i].pct(.5)
		t.check("history page 1 of 20, "+name+": p50", ms(p), "≤ 3 ms", msOf(p) <= 3)
	}
	if err := boardFigures(t, bigSrv); err != nil {
		return err
	}
	return bigSrv.stop()
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
	if perfLoad {
		stop, err := srv.perfRecord(perfOut)
		if err != nil {
			return err
		}
		defer stop()
	}
	p, err := measureProxy(srv, fake, small.tokens, concurrency, 3, roundLength)
	if err != nil {
		return err
	}
	t.info(fmt.Sprintf("proxy, closed loop c=%d, fake called directly: p50 / p99", concurrency), fmt.Sprintf("%.2f ms / %.2f ms", p.directP50, p.directP99))
	t.info("proxy, closed loop, fake called directly: requests/s", fmt.Sprintf("%.0f", p.directRPS))
	t.info(fmt.Sprintf("proxy, closed loop c=%d, POST /api/chat: p50 / p99", concurrency), fmt.Sprintf("%.2f ms / %.2f ms", p.chatP50, p.chatP99))
	t.check("proxy, closed loop, POST /api/chat: requests/s", fmt.Sprintf("%.0f", p.chatRPS), "≥ 1,000", p.chatRPS >= 1000)
	t.info("proxy, closed loop: added p50 / p99 (the queue: c / throughput)", fmt.Sprintf("%.2f ms / %.2f ms", p.addedP50, p.addedP99))
	t.info("proxy, closed loop: requests/s ratio stovebot / direct", fmt.Sprintf("%.3g", p.chatRPS/p.directRPS))
	t.info("proxy: server CPU time per POST /api/chat", fmt.Sprintf("%.2f ms", p.cpuPerChat))

	// SPEC 12's added p50 and p99 "at concurrency 10" cannot be read off
	// the closed loop above, whose latency is 10 / throughput: they are
	// checked open-loop, requests due at a fixed rate with at most 10 in
	// flight, at half the required throughput, and shown at all of it.
	for _, rate := range pacedRates {
		pf, err := measurePaced(srv, fake, small.tokens, concurrency, rate.perSecond, 3, roundLength)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("proxy, open loop %s requests/s, ≤ %d in flight", rate.label, concurrency)
		t.info(name+": direct p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms", pf.directP50, pf.directP99))
		t.info(name+": POST /api/chat p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms", pf.chatP50, pf.chatP99))
		t.info(name+": chat requests in flight, mean", fmt.Sprintf("%.2f", pf.inFlight))
		t.info(name+": pacer's lateness p50 / p99 (not counted)", fmt.Sprintf("%.2f ms / %.2f ms", pf.lagP50, pf.lagP99))
		if rate.checked {
			t.check(name+": added p50", fmt.Sprintf("%.2f ms", pf.addedP50), "≤ 1 ms", pf.addedP50 <= 1)
			t.check(name+": added p99", fmt.Sprintf("%.2f ms", pf.addedP99), "≤ 5 ms", pf.addedP99 <= 5)
		} else {
			t.info(name+": added p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms", pf.addedP50, pf.addedP99))
		}
	}

	logf("proxy overhead: one request at a time")
	sd, sc, err := measureSequential(srv, fake, small.tokens, 500)
	if err != nil {
		return err
	}
	t.info("proxy, one request at a time: added p50 / p99", fmt.Sprintf("%.2f ms / %.2f ms",
		msOf(sc.pct(.5)-sd.pct(.5)), msOf(sc.pct(.99)-sd.pct(.99))))

	logf("streaming: time to first delta")
	direct, chat, err := measureStream(srv, fake, small.tokens, 300)
	if err != nil {
		return err
	}
	t.info("streaming: fake's own time to first token, p50", ms(direct.pct(.5)))
	t.info("streaming: first delta through stovebot, p50", ms(chat.pct(.5)))
	added := chat.pct(.5) - direct.pct(.5)
	t.check("streaming: added time to first delta, p50", ms(added), "≤ 1 ms", msOf(added) <= 1)

	logf("memory: 1,000 open streams")
	rss, conns, err := measureMemory(srv, fake, small.tokens, 1000)
	if err != nil {
		return err
	}
	t.check("memory: server RSS with 1,000 open streams", fmt.Sprintf("%.0f MB", rss), "≤ 150 MB", rss <= 150)
	t.info("memory: SQLite connections open on data.db then", fmt.Sprint(conns))
	return srv.stop()
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
