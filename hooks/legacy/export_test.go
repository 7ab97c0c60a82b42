package legacy

import "github.com/pocketbase/pocketbase/core"

// Internals that the tests of package legacy_test reach.
type Link = link

var ParsePage = parsePage

const (
	MinPerPage = minPerPage
	MaxPerPage = maxPerPage
)

// Check is pageRequest.check.
func (p pageRequest) Check(e *core.RequestEvent, total int) error { return p.check(e, total) }
