package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// client keeps connections alive and never compresses, as a load tool does.
var client = &http.Client{Transport: &http.Transport{
	MaxIdleConns:        4096,
	MaxIdleConnsPerHost: 4096,
	IdleConnTimeout:     time.Minute,
	DisableCompression:  true,
}}

// latencies are the durations of many requests.
type latencies []time.Duration

// pct is the p-th percentile (0 < p ≤ 1), nearest rank.
func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	return s[max(0, int(math.Ceil(p*float64(len(s))))-1)]
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// hammer calls do from conc workers for d and returns every latency and
// the rate of requests per second. The first error stops the run.
func hammer(conc int, d time.Duration, do func(worker, i int) error) (latencies, float64, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		all      latencies
		firstErr atomic.Pointer[error]
	)
	start := time.Now()
	deadline := start.Add(d)
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine latencies
			for i := 0; time.Now().Before(deadline) && firstErr.Load() == nil; i++ {
				t := time.Now()
				if err := do(w, i); err != nil {
					firstErr.CompareAndSwap(nil, &err)
					return
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		return nil, 0, *p
	}
	return all, float64(len(all)) / time.Since(start).Seconds(), nil
}

// call sends a request, reads the whole answer and checks its status.
func call(method, url, token string, body []byte, want int) error {
	_, err := send(method, url, token, body, want)
	return err
}

// send is call that returns the answer.
func send(method, url, token string, body []byte, want int) ([]byte, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: expected %d, got %d: %.200s", method, url, want, resp.StatusCode, data)
	}
	return data, nil
}

// callJSON is call that decodes the answer into v; it returns the
// answer's bytes.
func callJSON(method, url, token string, body []byte, want int, v any) ([]byte, error) {
	data, err := send(method, url, token, body, want)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("%s %s: %w: %.200s", method, url, err, data)
	}
	return data, nil
}

// firstLine sends a streaming request and returns the time until the first
// line that starts with prefix, and the stream, positioned after that line,
// for the caller to drain or close.
func firstLine(url, token string, body []byte, prefix string) (time.Duration, io.ReadCloser, error) {
	d, _, rc, err := streamTo(http.MethodPost, url, token, body, prefix)
	return d, rc, err
}

// streamTo is firstLine with any method, which also returns the line.
func streamTo(method, url, token string, body []byte, prefix string) (time.Duration, []byte, io.ReadCloser, error) {
	var content io.Reader
	if body != nil {
		content = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, content)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return 0, nil, nil, fmt.Errorf("%s %s: expected 200, got %d: %.200s", method, url, resp.StatusCode, data)
	}
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadSlice('\n')
		if bytes.HasPrefix(line, []byte(prefix)) {
			return time.Since(start), bytes.Clone(line), readCloser{r, resp.Body}, nil
		}
		if err != nil {
			resp.Body.Close()
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("%s %s: the stream ended before a line %q", method, url, prefix)
			}
			return 0, nil, nil, err
		}
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// drain reads a stream to its end and closes it; when want is not empty,
// the rest of the stream must contain it (stovebot's "event: done").
func drain(rc io.ReadCloser, want string) error {
	defer rc.Close()
	rest, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	if want != "" && !bytes.Contains(rest, []byte(want)) {
		return fmt.Errorf("the stream ended without %q: %.300s", want, rest)
	}
	return nil
}

// paced is an open-loop load: request i is due at start + i/rate, for d,
// and conc workers take the requests in order, so at most conc are in
// flight. A request's latency runs from when the pacer released it (at
// its due time, or as soon after as the pacer's timer woke), not from
// when a worker was free to send it: a slow answer delays the requests
// behind it, and that delay is counted (no "coordinated omission"). The
// pacer's own lateness (a Go timer in an idle process wakes up to a
// millisecond late) is not counted; it is returned as lag. The first
// error stops the run.
func paced(conc int, rate float64, d time.Duration, do func(worker, i int) error) (lat, lag latencies, err error) {
	n := int(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	due := make(chan int, n)
	released := make([]time.Time, n)
	lat, lag = make(latencies, n), make(latencies, n)
	var (
		wg       sync.WaitGroup
		firstErr atomic.Pointer[error]
	)
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range due {
				if firstErr.Load() != nil {
					continue
				}
				if err := do(w, i); err != nil {
					firstErr.CompareAndSwap(nil, &err)
					continue
				}
				lat[i] = time.Since(released[i])
			}
		}()
	}
	start := time.Now()
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(at))
		released[i] = time.Now()
		lag[i] = released[i].Sub(at)
		due <- i
	}
	close(due)
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		return nil, nil, *p
	}
	return lat, lag, nil
}
