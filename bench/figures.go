package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/dbx"

	"stovebot/hooks/search"
)

// chatUser is a user of the bench's requests: their id, a token, the
// conversation that their chat requests continue and their history shows,
// and an API key for /v1 (made by makeKeys).
type chatUser struct{ id, token, conversation, key string }

// v1Body is the body of POST /v1/chat/completions for question, after an
// earlier exchange, as an SDK client sends its conversation.
func v1Body(question string) []byte {
	return fmt.Appendf(nil, `{"model":"any","messages":[{"role":"user","content":"다행이라고 한 대사는?"},`+
		`{"role":"assistant","content":"“다행이라고 생각합니다.” — 백승수"},{"role":"user","content":%q}]}`, question)
}

// makeKeys gives each user an API key, through POST /api/keys.
func makeKeys(srv *server, users []chatUser) error {
	for i := range users {
		var made struct {
			Key string `json:"key"`
		}
		if _, err := callJSON(http.MethodPost, srv.URL()+"/api/keys", users[i].token, []byte(`{"name":"sdk"}`), http.StatusCreated, &made); err != nil {
			return err
		}
		users[i].key = made.Key
	}
	return nil
}

// chatBody is the body of POST /api/chat for question, continuing u's
// conversation, as the web app sends it after the first question.
func (u chatUser) chatBody(question string) []byte {
	return fmt.Appendf(nil, `{"content":%q,"conversation":%q}`, question, u.conversation)
}

// chatCaller sends POST /api/chat (JSON) as request i of worker w, cycling
// through the users and the questions; each request continues its user's
// conversation.
func chatCaller(srv *server, users []chatUser) func(w, i int) error {
	return func(w, i int) error {
		u := users[(w*31+i)%len(users)]
		return call(http.MethodPost, srv.URL()+"/api/chat", u.token, u.chatBody(questions[(w+i)%len(questions)]), http.StatusCreated)
	}
}

// caller sends the completion request stovebot would send, straight to
// the fake, as request i of worker w.
func (f *fakeUpstream) caller() func(w, i int) error {
	return func(w, i int) error {
		return call(http.MethodPost, f.URL+"/chat/completions", "", upstreamBody(questions[(w+i)%len(questions)], false), http.StatusOK)
	}
}

// proxyFigures are the medians over rounds of one load test.
type proxyFigures struct {
	directP50, directP99, directRPS float64 // ms, ms, req/s
	chatP50, chatP99, chatRPS       float64
	addedP50, addedP99              float64
	cpuPerChat                      float64 // ms of server CPU per POST /api/chat
	cpuPerDirect                    float64 // ms of the fake's CPU per direct call
}

// measureProxy runs POST /api/chat (JSON) and the same request straight to
// the fake, each at concurrency conc for d, in alternating rounds, and
// takes the median of each figure over the rounds. Requests cycle through
// the users and the questions.
func measureProxy(srv *server, fake *fakeUpstream, users []chatUser, conc, rounds int, d time.Duration) (proxyFigures, error) {
	direct, chat := fake.caller(), chatCaller(srv, users)
	// warm up both paths: connections, caches, the Go heap
	for _, do := range []func(int, int) error{direct, chat} {
		if _, _, err := hammer(conc, time.Second, do); err != nil {
			return proxyFigures{}, err
		}
	}
	var f [10][]float64
	for round := range rounds {
		logf("proxy overhead: round %d of %d", round+1, rounds)
		fake0, err := fake.cpuTime()
		if err != nil {
			return proxyFigures{}, err
		}
		dl, drps, err := hammer(conc, d, direct)
		if err != nil {
			return proxyFigures{}, err
		}
		fake1, err := fake.cpuTime()
		if err != nil {
			return proxyFigures{}, err
		}
		cpu0, err := srv.cpuTime()
		if err != nil {
			return proxyFigures{}, err
		}
		cl, crps, err := hammer(conc, d, chat)
		if err != nil {
			return proxyFigures{}, err
		}
		cpu1, err := srv.cpuTime()
		if err != nil {
			return proxyFigures{}, err
		}
		for i, v := range []float64{msOf(dl.pct(.5)), msOf(dl.pct(.99)), drps, msOf(cl.pct(.5)), msOf(cl.pct(.99)), crps,
			msOf(cl.pct(.5) - dl.pct(.5)), msOf(cl.pct(.99) - dl.pct(.99)), msOf(cpu1-cpu0) / float64(len(cl)),
			msOf(fake1-fake0) / float64(len(dl))} {
			f[i] = append(f[i], v)
		}
	}
	return proxyFigures{median(f[0]), median(f[1]), median(f[2]), median(f[3]), median(f[4]), median(f[5]),
		median(f[6]), median(f[7]), median(f[8]), median(f[9])}, nil
}

// measureSequential times POST /api/chat (JSON) and the same request
// straight to the fake one at a time, alternating: the time stovebot adds
// to one request when nothing waits in line. (At concurrency c a closed
// loop's latency is c divided by the throughput, so the added p50 at c=10
// is mostly the queue.)
func measureSequential(srv *server, fake *fakeUpstream, users []chatUser, n int) (direct, chat, v1 latencies, err error) {
	lat, err := interleave(n, 50,
		func(i int) (time.Duration, error) {
			t := time.Now()
			err := call(http.MethodPost, fake.URL+"/chat/completions", "", upstreamBody(questions[i%len(questions)], false), http.StatusOK)
			return time.Since(t), err
		},
		func(i int) (time.Duration, error) {
			t := time.Now()
			u := users[i%len(users)]
			err := call(http.MethodPost, srv.URL()+"/api/chat", u.token, u.chatBody(questions[i%len(questions)]), http.StatusCreated)
			return time.Since(t), err
		},
		func(i int) (time.Duration, error) {
			t := time.Now()
			u := users[i%len(users)]
			err := call(http.MethodPost, srv.URL()+"/v1/chat/completions", u.key, v1Body(questions[i%len(questions)]), http.StatusOK)
			return time.Since(t), err
		})
	if err != nil {
		return nil, nil, nil, err
	}
	return lat[0], lat[1], lat[2], nil
}

// measureStream times, one request at a time and alternating, the first
// `delta` event of POST /api/chat with Accept: text/event-stream and the
// first token of the same streaming request sent straight to the fake.
// Both streams are read to their end.
func measureStream(srv *server, fake *fakeUpstream, users []chatUser, n int) (direct, chat latencies, err error) {
	lat, err := interleave(n, 20,
		func(i int) (time.Duration, error) {
			d, rc, err := firstLine(fake.URL+"/chat/completions", "", upstreamBody(questions[i%len(questions)], true), "data: {")
			if err != nil {
				return 0, err
			}
			return d, drain(rc, "data: [DONE]")
		},
		func(i int) (time.Duration, error) {
			u := users[i%len(users)]
			d, rc, err := firstLine(srv.URL()+"/api/chat", u.token, u.chatBody(questions[i%len(questions)]), "event: delta")
			if err != nil {
				return 0, err
			}
			return d, drain(rc, "event: done")
		})
	if err != nil {
		return nil, nil, err
	}
	return lat[0], lat[1], nil
}

// interleave runs each fn n times, one call at a time, taking turns so
// that both see the same background load, after warm calls not counted.
func interleave(n, warm int, fns ...func(i int) (time.Duration, error)) ([]latencies, error) {
	out := make([]latencies, len(fns))
	for i := range warm + n {
		for j, fn := range fns {
			d, err := fn(i)
			if err != nil {
				return nil, err
			}
			if i >= warm {
				out[j] = append(out[j], d)
			}
		}
	}
	return out, nil
}

// timed turns a request into a timed call for interleave.
func timed(method, url, token string, want int) func(int) (time.Duration, error) {
	return func(int) (time.Duration, error) {
		t := time.Now()
		err := call(method, url, token, nil, want)
		return time.Since(t), err
	}
}

// measureSearch is the server's search (search.Index.Find) for each
// question in turn, in-process, n rounds over the questions, after a first
// search that loads the index into memory (load). It reads the index's
// version on every search, where the server reads it at most once a second. It also counts the
// questions that found nothing: every question shares words with the
// generated quotes.
func measureSearch(db dbx.Builder, n int) (lat latencies, load time.Duration, empty []string, err error) {
	idx := search.NewIndex(0)
	t := time.Now()
	if _, err := idx.Find(db, questions[0], 5); err != nil {
		return nil, 0, nil, err
	}
	load = time.Since(t)
	for i := range n * len(questions) {
		t := time.Now()
		hits, err := idx.Find(db, questions[i%len(questions)], 5)
		if err != nil {
			return nil, 0, nil, err
		}
		lat = append(lat, time.Since(t))
		if i < len(questions) && len(hits) == 0 {
			empty = append(empty, questions[i])
		}
	}
	return lat, load, empty, nil
}

// measureMemory opens n streams at once whose upstream holds them after the
// first piece, waits until every one has had its first delta, and reads the
// server's VmRSS (median of three readings) and its number of SQLite
// connections; then it lets them finish.
func measureMemory(srv *server, fake *fakeUpstream, users []chatUser, n int) (rss float64, conns int, err error) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		streams []io.ReadCloser
		errs    []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := users[i%len(users)]
			_, rc, err := firstLine(srv.URL()+"/api/chat", u.token, u.chatBody("다행이라고 한 대사 "+holdWord), "event: delta")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			streams = append(streams, rc)
		}()
	}
	wg.Wait()
	defer func() {
		fake.release()
		for _, rc := range streams {
			wg.Add(1)
			go func() { defer wg.Done(); drain(rc, "") }()
		}
		wg.Wait()
		client.CloseIdleConnections()
	}()
	if len(errs) > 0 {
		return 0, 0, fmt.Errorf("%d of %d streams failed, first: %w", len(errs), n, errs[0])
	}
	var readings []float64
	for range 3 {
		time.Sleep(300 * time.Millisecond)
		rss, err := srv.rssMB()
		if err != nil {
			return 0, 0, err
		}
		readings = append(readings, rss)
	}
	return median(readings), srv.dbConns(), nil
}

// measureColdStart starts and stops the server n times on its existing
// data dir and returns each time from exec to the first /api/health 200.
func measureColdStart(srv *server, n int) (latencies, error) {
	var lat latencies
	for range n {
		d, err := srv.start()
		if err != nil {
			return nil, err
		}
		lat = append(lat, d)
		if err := srv.stop(); err != nil {
			return nil, err
		}
	}
	return lat, nil
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measureFollowers opens one stream that the fake holds after its first
// piece, reads the server's VmRSS once it is steady, opens n followers of
// that answer (GET /api/chat/{id}/stream, each read to its first delta)
// and reads it again, steady; then it lets the answer finish and checks
// that every follower received it to its end. It returns the difference
// in MB.
func measureFollowers(srv *server, fake *fakeUpstream, u chatUser, n int) (float64, error) {
	_, line, owner, err := streamTo(http.MethodPost, srv.URL()+"/api/chat", u.token, u.chatBody("다행이라고 한 대사 "+holdWord), `data: {"chat"`)
	if err != nil {
		return 0, err
	}
	var started struct {
		Chat struct {
			ID string `json:"id"`
		} `json:"chat"`
	}
	if err := json.Unmarshal(bytes.TrimPrefix(bytes.TrimSpace(line), []byte("data: ")), &started); err != nil || started.Chat.ID == "" {
		owner.Close()
		return 0, fmt.Errorf("no question id in the chat event %q: %v", line, err)
	}
	before, err := srv.steadyRSS()

	followers := make([]io.ReadCloser, 0, n)
	finish := func() error {
		if err := fake.release(); err != nil {
			return err
		}
		var errs []error
		for _, rc := range append(followers, owner) {
			if err := drain(rc, "event: done"); err != nil {
				errs = append(errs, err)
			}
		}
		client.CloseIdleConnections()
		return errors.Join(errs...)
	}
	if err != nil {
		return 0, errors.Join(err, finish())
	}
	url := srv.URL() + "/api/chat/" + started.Chat.ID + "/stream"
	for range n {
		_, _, rc, err := streamTo(http.MethodGet, url, u.token, nil, "event: delta")
		if err != nil {
			return 0, errors.Join(err, finish())
		}
		followers = append(followers, rc)
	}
	after, err := srv.steadyRSS()

	if err := errors.Join(err, finish()); err != nil {
		return 0, err
	}
	return after - before, nil
}

// pacedFigures are the medians over rounds of one open-loop test.
type pacedFigures struct {
	directP50, directP99, chatP50, chatP99, addedP50, addedP99 float64 // ms
	inFlight                                                   float64 // chat requests in flight on average (rate × mean latency)
	lagP50, lagP99                                             float64 // ms the pacer released requests after their due time
}

// measurePaced sends POST /api/chat (JSON) and the same request straight
// to the fake at a fixed rate from conc workers (see paced), in rounds of
// d that alternate which goes first, and takes the median of each figure
// over the rounds.
func measurePaced(srv *server, fake *fakeUpstream, users []chatUser, conc int, rate float64, rounds int, d time.Duration) (pacedFigures, error) {
	direct, chat := fake.caller(), chatCaller(srv, users)
	var f [9][]float64
	for round := range rounds {
		logf("proxy overhead at %.0f requests/s: round %d of %d", rate, round+1, rounds)
		var dl, cl, lag latencies
		for k := range 2 {
			chatNow := (round+k)%2 == 1
			fn := direct
			if chatNow {
				fn = chat
			}
			l, g, err := paced(conc, rate, d, fn)
			if err != nil {
				return pacedFigures{}, err
			}
			if chatNow {
				cl = l
			} else {
				dl = l
			}
			lag = append(lag, g...)
		}
		var sum time.Duration
		for _, l := range cl {
			sum += l
		}
		mean := sum.Seconds() / float64(len(cl))
		for i, v := range []float64{msOf(dl.pct(.5)), msOf(dl.pct(.99)), msOf(cl.pct(.5)), msOf(cl.pct(.99)),
			msOf(cl.pct(.5) - dl.pct(.5)), msOf(cl.pct(.99) - dl.pct(.99)), rate * mean, msOf(lag.pct(.5)), msOf(lag.pct(.99))} {
			f[i] = append(f[i], v)
		}
	}
	return pacedFigures{median(f[0]), median(f[1]), median(f[2]), median(f[3]), median(f[4]), median(f[5]),
		median(f[6]), median(f[7]), median(f[8])}, nil
}
