package chat_test

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"stovebot/hooks/chat"
	"stovebot/hooks/hookstest"
)

func FuzzChatRequest(f *testing.F) {
	for _, seed := range []string{
		`{"content":"안녕하세요"}`, `{"content":"hi","stream":true}`, `{"content":42}`, `{"stream":"yes"}`,
		`{"content":`, `[]`, `null`, ``, `{"content":"` + "\u0000" + `"}`, `{"content":"  \t "}`,
		`{"content":"🙂","extra":{"nested":[1,2]}}`, `{"content":"') OR 1=1 --"}`,
		`{"content":"hi","conversation":"abcdefghij12345"}`, `{"content":"hi","conversation":7}`,
		`{"content":"hi","conversation":"' OR 1=1 --"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := hookstest.FuzzEvent("POST", "/api/chat", body)
		req, err := chat.ReadChatRequest(e)
		if err != nil {
			if st := hookstest.APIStatus(err); st != 400 && st != 413 {
				t.Fatalf("expected a 400 or 413 for %q, got %v", body, err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body that is not JSON: %q", body)
		}
		if err := chat.CheckConversation(req.Conversation); err != nil {
			if hookstest.APIStatus(err) != 400 {
				t.Fatalf("expected a 400 for conversation %q, got %v", req.Conversation, err)
			}
		} else if req.Conversation != "" && !chat.ValidConversationID(req.Conversation) {
			t.Fatalf("accepted the conversation %q", req.Conversation)
		}
		content, err := chat.CheckContent(20, req.Content)
		if err != nil {
			if hookstest.APIStatus(err) != 400 {
				t.Fatalf("expected a 400 for content %q, got %v", req.Content, err)
			}
			return
		}
		if n := utf8.RuneCountInString(content); n < 1 || n > 20 {
			t.Fatalf("accepted content of %d characters: %q", n, content)
		}
	})
}
