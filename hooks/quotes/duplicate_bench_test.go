package quotes_test

import (
	"fmt"
	"testing"

	"stovebot/hooks/hookstest"
	"stovebot/hooks/quotes"
)

// BenchmarkDuplicateOf10000 is the duplicate check of one suggestion
// against 10,000 approved quotes, none of them equal (the whole board read).
func BenchmarkDuplicateOf10000(b *testing.B) {
	app := hookstest.NewApp(b)
	defer app.Cleanup()
	rows := make([]quotes.QuoteRow, 10000)
	for i := range rows {
		rows[i] = quotes.QuoteRow{Content: fmt.Sprintf("우리는 어차피 지는 팀이 아닙니다, 몇 번째 대사 %d", i), Speaker: "백승수"}
	}
	if _, err := quotes.Import(app, rows); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if id, err := quotes.DuplicateOf(app, "새로운 대사는 어디에도 없습니다"); err != nil || id != "" {
			b.Fatalf("expected no duplicate, got %q (%v)", id, err)
		}
	}
}
