package quotes

import (
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// moderate keeps a quote's approval and rejection consistent, whoever
// saves it (API, dashboard, CLI, the legacy API):
//   - approving clears the rejection;
//   - rejecting (a new rejected_reason) withdraws the approval and stamps
//     rejected_at; a reason cleared clears rejected_at;
//   - an edit of a rejected quote's content, speaker or episode that does
//     not reject it again sends it back to pending;
//   - rejected_at is otherwise kept as stored: no client sets it.
//
// A save that both approves and rejects is refused.
func moderate(e *core.RecordEvent) error {
	r := e.Record
	before := r.Original()
	reason := r.GetString("rejected_reason")
	if trimmed := strings.TrimSpace(reason); trimmed != reason {
		if trimmed == "" {
			return validation.Errors{"rejected_reason": validation.NewError("validation_blank_reason",
				"A reason for the rejection cannot be only blanks.")}
		}
		reason = trimmed
	}
	approving := r.GetBool("is_apply") && (r.IsNew() || !before.GetBool("is_apply"))
	rejecting := reason != "" && reason != before.GetString("rejected_reason")
	switch {
	case approving && rejecting:
		return validation.Errors{"rejected_reason": validation.NewError("validation_approved_and_rejected",
			"A quote cannot be approved and rejected at once.")}
	case approving:
		reason = ""
	case rejecting:
		r.Set("is_apply", false)
		r.Set("applied_at", "")
	case reason != "" && edited(r, before):
		reason = "" // the author's answer to the rejection, for another review
	}
	r.Set("rejected_reason", reason)
	switch {
	case reason == "":
		r.Set("rejected_at", "")
	case rejecting:
		r.Set("rejected_at", types.NowDateTime())
	default:
		r.Set("rejected_at", before.GetDateTime("rejected_at"))
	}
	return e.Next()
}

// edited reports whether the save changes what the quote says.
func edited(r, before *core.Record) bool {
	return r.GetString("content") != before.GetString("content") ||
		r.GetString("speaker") != before.GetString("speaker") ||
		r.GetInt("episode") != before.GetInt("episode")
}
