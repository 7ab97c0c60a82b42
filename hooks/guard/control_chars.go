package guard

import (
	"strings"
	"unicode"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Text that people type never holds control characters; a NUL or an
// escape code in a nickname or a quote would reach every reader of the
// quote board, and the upstream. They are refused (400, naming the field),
// as DRF refused NUL. Tab, line feed and carriage return are text.

// ControlCharError is the error of a field that holds one.
var ControlCharError = validation.NewError("validation_control_characters",
	"Control characters (such as NUL) are not allowed.")

// HasControlChar reports whether s holds a control character (C0, DEL or
// C1) other than tab, line feed and carriage return.
func HasControlChar(s string) bool {
	return strings.IndexFunc(s, isControlChar) >= 0
}

func isControlChar(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// WithoutControlChars is s with each control character that
// HasControlChar finds replaced by a space.
func WithoutControlChars(s string) string {
	if !HasControlChar(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControlChar(r) {
			return ' '
		}
		return r
	}, s)
}

// RefuseControlChars, bound to OnRecordValidate, refuses a text field that
// is set or changed to a value with a control character, whoever saves it
// (the API, the legacy API, the dashboard, the CLI). Values already stored
// are left alone, so an old record can still be saved.
func RefuseControlChars(e *core.RecordEvent) error {
	errs := validation.Errors{}
	original := e.Record.Original()
	for _, f := range e.Record.Collection().Fields {
		if _, ok := f.(*core.TextField); !ok {
			continue
		}
		name := f.GetName()
		if v := e.Record.GetString(name); v != original.GetString(name) && HasControlChar(v) {
			errs[name] = ControlCharError
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}
