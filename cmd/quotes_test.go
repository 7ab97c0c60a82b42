package cmd_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"stovebot/cmd"
	"stovebot/hooks/hookstest"
	"stovebot/hooks/quotes"
)

// runCommand runs cmd with args as the binary would and returns its output.
func runCommand(t testing.TB, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.Execute()
	return out.String(), err
}

// writeFile writes content to a file of a fresh temporary directory.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExportQuotesRoundTrips(t *testing.T) {
	t.Parallel()
	source := hookstest.NewApp(t)
	defer source.Cleanup()
	hookstest.SeedAccess(t, source) // two approved quotes and two pending ones
	if _, err := quotes.Import(source, []quotes.QuoteRow{
		{Content: "야구는 데이터로 하는 겁니다 📊", Speaker: "백승수", Episode: 16},
		{Content: `<b>"따옴표", 쉼표</b> & \ 역슬래시`, Speaker: "이세영"},
		{Content: "여러 줄\n두 번째 줄", Episode: 3},
	}); err != nil {
		t.Fatal(err)
	}

	out, err := runCommand(t, cmd.NewQuotesCommand(source), "export")
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	var exported []quotes.QuoteRow
	if err := json.Unmarshal([]byte(out), &exported); err != nil {
		t.Fatalf("expected a JSON array, got %q: %v", out, err)
	}
	if len(exported) != 5 {
		t.Fatalf("expected the 5 approved quotes, got %d: %s", len(exported), out)
	}
	if strings.Contains(out, hookstest.OwnerPending) || strings.Contains(out, hookstest.OtherPending) {
		t.Fatalf("expected no pending quote in the export, got %s", out)
	}
	if strings.Contains(out, `"user"`) || strings.Contains(out, `"is_apply"`) || strings.Contains(out, `"Line"`) {
		t.Fatalf("expected only content, speaker and episode, got %s", out)
	}

	rows, err := quotes.ParseQuotes([]byte(out))
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	target := hookstest.NewApp(t)
	defer target.Cleanup()
	if added, err := quotes.Import(target, rows); err != nil || added != 5 {
		t.Fatalf("expected 5 imported, got %d (%v)", added, err)
	}
	again, err := quotes.Export(target)
	if err != nil {
		t.Fatal(err)
	}
	key := func(r quotes.QuoteRow) string { return r.Content + "|" + r.Speaker + "|" + strconv.Itoa(r.Episode) }
	want, got := make([]string, 0, 5), make([]string, 0, 5)
	for i := range exported {
		want = append(want, key(exported[i]))
		got = append(got, key(again[i]))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Fatalf("expected the round trip to keep\n%q\ngot\n%q", want, got)
	}

	// importing the export back into its source adds nothing
	if added, err := quotes.Import(source, rows); err != nil || added != 0 {
		t.Fatalf("expected 0 added to the source, got %d (%v)", added, err)
	}
}

func TestQuotesCommand(t *testing.T) {
	t.Parallel()
	good := "content,speaker,episode\n우리는 어차피 지는 팀이 아닙니다,백승수,1\n\"드림즈, 파이팅 ⚾\",,\n"
	bad := "content,speaker,episode\nfine,a,1\nalso fine,b,2\nbroken,c,zero\n"
	scenarios := []struct {
		name        string
		args        func(t *testing.T) []string
		wantErr     string // empty: success
		wantOut     string
		wantQuotes  int // quotes in the database afterwards
		wantPending int // the fixture's pending quotes left pending
	}{
		{"import a CSV file", func(t *testing.T) []string { return []string{"import", writeFile(t, "q.csv", good)} },
			"", "imported 2 quotes, 0 were already there", 6, 2},
		{"import a JSON file", func(t *testing.T) []string {
			return []string{"import", writeFile(t, "q.json", `[{"content":"a","episode":2},{"content":"`+hookstest.OwnerApproved+`"}]`)}
		}, "", "imported 1 quotes, 1 were already there", 5, 2},
		{"a bad row names its line and writes nothing", func(t *testing.T) []string { return []string{"import", writeFile(t, "bad.csv", bad)} },
			"line 4", "", 4, 2},
		{"a missing file", func(t *testing.T) []string { return []string{"import", filepath.Join(t.TempDir(), "none.csv")} },
			"no such file", "", 4, 2},
		{"import needs a file", func(t *testing.T) []string { return []string{"import"} },
			"accepts 1 arg", "", 4, 2},
		{"approve pending quotes", func(t *testing.T) []string {
			return []string{"approve", hookstest.OwnerPendingID, hookstest.OtherPendingID}
		},
			"", "approved 2 quotes", 4, 0},
		{"approve an unknown id approves nothing", func(t *testing.T) []string { return []string{"approve", hookstest.OwnerPendingID, "nosuchquote0001"} },
			"unknown quote id", "", 4, 2},
		{"approve needs an id", func(t *testing.T) []string { return []string{"approve"} },
			"requires at least 1 arg", "", 4, 2},
		{"export takes no argument", func(t *testing.T) []string { return []string{"export", "extra"} },
			"unknown command", "", 4, 2},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			app := hookstest.NewApp(t)
			defer app.Cleanup()
			hookstest.SeedAccess(t, app)
			out, err := runCommand(t, cmd.NewQuotesCommand(app), s.args(t)...)
			switch {
			case s.wantErr == "" && err != nil:
				t.Fatalf("expected success, got %v\n%s", err, out)
			case s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)):
				t.Fatalf("expected an error with %q, got %v\n%s", s.wantErr, err, out)
			}
			if !strings.Contains(out, s.wantOut) {
				t.Fatalf("expected %q in the output, got %q", s.wantOut, out)
			}
			all, approved := hookstest.QuoteCount(t, app)
			if all != s.wantQuotes {
				t.Fatalf("expected %d quotes, got %d", s.wantQuotes, all)
			}
			if pending := all - approved; pending != s.wantPending {
				t.Fatalf("expected %d pending quotes, got %d", s.wantPending, pending)
			}
		})
	}
}
