package quotes

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// trimQuote trims the blanks around content and speaker before the record
// is validated, so that a content of only blanks is refused as empty.
func trimQuote(e *core.RecordEvent) error {
	for _, name := range []string{"content", "speaker"} {
		e.Record.Set(name, strings.TrimSpace(e.Record.GetString(name)))
	}
	return e.Next()
}

// stampApproval sets applied_at when a quote becomes approved and clears it
// when the approval is withdrawn, whoever saves the record (API, dashboard,
// CLI).
func stampApproval(e *core.RecordEvent) error {
	switch {
	case !e.Record.GetBool("is_apply"):
		e.Record.Set("applied_at", "")
	case e.Record.GetDateTime("applied_at").IsZero() || !e.Record.Original().GetBool("is_apply"):
		e.Record.Set("applied_at", types.NowDateTime())
	}
	return e.Next()
}
