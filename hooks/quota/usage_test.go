package quota

import (
	"testing"
	"time"
)

func TestLocalDayAndNextMidnight(t *testing.T) {
	t.Parallel()
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	scenarios := []struct {
		name     string
		zone     string
		now      time.Time // UTC
		day      string
		midnight string // RFC 3339 in the zone
	}{
		{"Seoul, evening UTC is the next day", "Asia/Seoul", time.Date(2026, 11, 25, 15, 30, 0, 0, time.UTC),
			"2026-11-26", "2026-11-27T00:00:00+09:00"},
		{"Seoul, one second before midnight", "Asia/Seoul", time.Date(2026, 11, 25, 14, 59, 59, 0, time.UTC),
			"2026-11-25", "2026-11-26T00:00:00+09:00"},
		{"Seoul, exactly midnight", "Asia/Seoul", time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC),
			"2026-11-26", "2026-11-27T00:00:00+09:00"},
		{"Berlin, the day the clocks go forward (23 hours)", "Europe/Berlin", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC),
			"2026-03-29", "2026-03-30T00:00:00+02:00"},
		{"Berlin, the day the clocks go back (25 hours)", "Europe/Berlin", time.Date(2026, 10, 24, 22, 30, 0, 0, time.UTC),
			"2026-10-25", "2026-10-26T00:00:00+01:00"},
		{"Santiago, a midnight that does not exist", "America/Santiago", time.Date(2026, 9, 5, 12, 0, 0, 0, time.UTC),
			"2026-09-05", "2026-09-06T01:00:00-03:00"},
		{"UTC, the last day of the year", "UTC", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC),
			"2026-12-31", "2027-01-01T00:00:00Z"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			loc := load(s.zone)
			if got := Day(s.now, loc); got != s.day {
				t.Fatalf("expected day %s, got %s", s.day, got)
			}
			next := NextMidnight(s.now, loc)
			if got := next.Format(time.RFC3339); got != s.midnight {
				t.Fatalf("expected the next reset at %s, got %s", s.midnight, got)
			}
			if !next.After(s.now) {
				t.Fatalf("expected the reset %s after now %s", next, s.now)
			}
			if Day(next, loc) == s.day || Day(next.Add(-time.Second), loc) != s.day {
				t.Fatalf("expected %s to start the day after %s", next, s.day)
			}
		})
	}
}

// Every hour of two years, in zones whose clocks change at or around
// midnight: the next reset is after now, starts another day, and the
// instant before it is still today.
func TestNextMidnightInEveryZone(t *testing.T) {
	t.Parallel()
	zones := []string{"Asia/Seoul", "Europe/Berlin", "America/Santiago", "America/Havana", "Asia/Beirut",
		"America/Asuncion", "Africa/Cairo", "Australia/Lord_Howe", "America/Scoresbysund", "Pacific/Chatham", "UTC"}
	for _, zone := range zones {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for now := time.Date(2026, 1, 1, 0, 17, 0, 0, time.UTC); now.Year() < 2028; now = now.Add(time.Hour) {
			today := Day(now, loc)
			next := NextMidnight(now, loc)
			if !next.After(now) || Day(next, loc) == today || Day(next.Add(-time.Nanosecond), loc) != today {
				t.Fatalf("%s at %s (%s): next reset %s is not the start of the next day",
					zone, now.In(loc).Format(time.RFC3339), today, next.In(loc).Format(time.RFC3339))
			}
		}
	}
}
