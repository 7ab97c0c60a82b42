package hookstest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// RealtimeEvent is one record event as PocketBase's realtime API sends it.
type RealtimeEvent struct {
	Topic  string         // the subscription that matched, e.g. "quotes/*"
	Action string         // create, update or delete
	Record map[string]any // the record as the subscriber may see it
}

// String reads "quotes/* update ID", the form the tests compare.
func (e RealtimeEvent) String() string {
	id, _ := e.Record["id"].(string)
	return e.Topic + " " + e.Action + " " + id
}

// Subscriber is a client of /api/realtime on a test server, speaking the
// protocol the JS SDK speaks: GET /api/realtime opens an SSE stream whose
// first event, PB_CONNECT, names the client; POST /api/realtime with the
// client id and the subscriber's token sets its subscriptions. Every
// record event the server sends arrives on a channel, in order.
type Subscriber struct {
	Name   string
	events chan RealtimeEvent
}

// Subscribe connects to srvURL as the holder of token (a guest when it is
// empty) and subscribes to topics ("quotes/*", "chats/*", "quotes/ID").
// The connection closes when the test ends.
func Subscribe(t testing.TB, srvURL, name, token string, topics ...string) *Subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srvURL+"/api/realtime", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		t.Fatalf("%s: GET /api/realtime: %d", name, res.StatusCode)
	}
	t.Cleanup(func() { res.Body.Close() })

	s := &Subscriber{Name: name, events: make(chan RealtimeEvent, 100)}
	connected := make(chan string, 1)
	go s.read(bufio.NewReader(res.Body), connected)

	var clientID string
	select {
	case clientID = <-connected:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no PB_CONNECT within 10 s", name)
	}
	body, err := json.Marshal(map[string]any{"clientId": clientID, "subscriptions": topics})
	if err != nil {
		t.Fatal(err)
	}
	sub, text := Do(t, http.MethodPost, srvURL+"/api/realtime", token, string(body))
	if sub.StatusCode != http.StatusNoContent {
		t.Fatalf("%s: POST /api/realtime: %d %s", name, sub.StatusCode, text)
	}
	return s
}

// read parses the SSE stream until it ends: the client id of PB_CONNECT
// goes to connected, every other event to s.events.
func (s *Subscriber) read(r *bufio.Reader, connected chan<- string) {
	defer close(s.events)
	var name, data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "event:"):
			name = strings.TrimPrefix(line, "event:")
		case strings.HasPrefix(line, "data:"):
			data = strings.TrimPrefix(line, "data:")
		case line == "" && name != "":
			if name == "PB_CONNECT" {
				var m struct{ ClientID string }
				_ = json.Unmarshal([]byte(data), &m)
				connected <- m.ClientID
			} else {
				e := RealtimeEvent{Topic: name}
				var m struct {
					Action string
					Record map[string]any
				}
				_ = json.Unmarshal([]byte(data), &m)
				e.Action, e.Record = m.Action, m.Record
				s.events <- e
			}
			name, data = "", ""
		}
	}
}

// Next waits up to 10 seconds for the subscriber's next event.
func (s *Subscriber) Next(t testing.TB) RealtimeEvent {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatalf("%s: the realtime connection closed", s.Name)
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no realtime event within 10 s", s.Name)
	}
	return RealtimeEvent{}
}

// Expect fails unless the subscriber's next len(want) events are want,
// each written as RealtimeEvent.String does ("quotes/* create ID"), in any
// order: PocketBase sends each event on a goroutine of its own, so two
// events of one request may arrive in either order. It returns the events
// as they arrived.
func (s *Subscriber) Expect(t testing.TB, want ...string) []RealtimeEvent {
	t.Helper()
	got := make([]RealtimeEvent, 0, len(want))
	left := slices.Clone(want)
	for range want {
		e := s.Next(t)
		i := slices.Index(left, e.String())
		if i < 0 {
			t.Fatalf("%s: expected %q, got %q", s.Name, left, e.String())
		}
		left = slices.Delete(left, i, i+1)
		got = append(got, e)
	}
	return got
}

// Event returns the first of events whose String is want, or fails.
func Event(t testing.TB, events []RealtimeEvent, want string) RealtimeEvent {
	t.Helper()
	for _, e := range events {
		if e.String() == want {
			return e
		}
	}
	t.Fatalf("expected %q among %v", want, events)
	return RealtimeEvent{}
}

// ExpectAll waits until each of subs has received `topic action id`, in
// order after what it received before, and returns what they received.
func ExpectAll(t testing.TB, subs []*Subscriber, topic, action, id string) []RealtimeEvent {
	t.Helper()
	var got []RealtimeEvent
	for _, s := range subs {
		got = append(got, s.Expect(t, topic+" "+action+" "+id)...)
	}
	return got
}

// Send sends a JSON request that must succeed (200 or 204) and returns the
// id of the record it answered with, if any.
func Send(t testing.TB, srvURL, token, method, path, body string) string {
	t.Helper()
	res, text := Do(t, method, srvURL+path, token, body)
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNoContent {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, text)
	}
	var r struct{ ID string }
	_ = json.Unmarshal([]byte(text), &r)
	return r.ID
}
