package quotes

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"stovebot/hooks/guard"
)

// QuoteRow is one line of a quotes file, as `quotes import` reads it and
// `quotes export` writes it.
type QuoteRow struct {
	Content string `json:"content"`
	Speaker string `json:"speaker,omitempty"`
	Episode int    `json:"episode,omitempty"`

	// Line is where the row starts in its file (the CSV header is line 1).
	Line int `json:"-"`
}

// Limits of a quote, as the quotes collection enforces them.
const (
	QuoteContentMax = 500
	QuoteSpeakerMax = 50
	QuoteEpisodeMax = 1000
)

// ParseQuotes reads a JSON array or a CSV file with the header
// content,speaker,episode. Every row is checked; the error names the line of
// each bad row, and no rows are returned when any is bad.
func ParseQuotes(data []byte) ([]QuoteRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM from spreadsheet exports
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("the file is empty")
	}
	var rows []QuoteRow
	var err error
	switch trimmed[0] {
	case '{':
		return nil, errors.New("line 1: expected a JSON array of quotes, [{...}, {...}], not a single object")
	case '[':
		rows, err = parseQuotesJSON(data)
	default:
		rows, err = parseQuotesCSV(data)
	}
	if err != nil {
		return nil, err
	}
	var errs []error
	for i := range rows {
		if err := rows[i].normalize(); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", rows[i].Line, err))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rows, nil
}

func (r *QuoteRow) normalize() error {
	if !utf8.ValidString(r.Content) || !utf8.ValidString(r.Speaker) {
		return errors.New("the text is not UTF-8 (save the file as UTF-8)")
	}
	r.Content = strings.TrimSpace(r.Content)
	r.Speaker = strings.TrimSpace(r.Speaker)
	if guard.HasControlChar(r.Content) || guard.HasControlChar(r.Speaker) {
		// refused on save too (guard.RefuseControlChars), but named here per line
		return errors.New("the text holds a control character (such as NUL); remove it")
	}
	switch n := utf8.RuneCountInString(r.Content); {
	case n == 0:
		return errors.New("content is empty")
	case n > QuoteContentMax:
		return fmt.Errorf("content has %d characters, at most %d are allowed", n, QuoteContentMax)
	}
	if n := utf8.RuneCountInString(r.Speaker); n > QuoteSpeakerMax {
		return fmt.Errorf("speaker has %d characters, at most %d are allowed", n, QuoteSpeakerMax)
	}
	if r.Episode < 0 || r.Episode > QuoteEpisodeMax {
		return fmt.Errorf("episode %d is not between 1 and %d", r.Episode, QuoteEpisodeMax)
	}
	return nil
}

func parseQuotesJSON(data []byte) ([]QuoteRow, error) {
	lineAt := func(offset int64) int { return 1 + bytes.Count(data[:min(int(offset), len(data))], []byte("\n")) }
	// next skips the blanks and the separating comma that InputOffset
	// leaves before the next value
	next := func(offset int64) int64 {
		offset = min(offset, int64(len(data)))
		return offset + int64(len(data[offset:])-len(bytes.TrimLeft(data[offset:], ", \t\r\n")))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') { // the opening [
		return nil, errors.New("line 1: not a JSON array")
	}
	var rows []QuoteRow
	for dec.More() {
		start := next(dec.InputOffset())
		if start >= int64(len(data)) {
			break // the missing ] is reported below
		}
		line := lineAt(start)
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil {
			if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) {
				return nil, fmt.Errorf(`line %d: each quote must be a JSON object such as {"content": "..."}`, line)
			}
			if se := (*json.SyntaxError)(nil); errors.As(err, &se) && se.Offset > start {
				line = lineAt(se.Offset) // where the syntax breaks, inside the object
			}
			return nil, fmt.Errorf("line %d: not a JSON object: %w", line, jsonErrorText(err))
		}
		row, err := quoteFromJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		row.Line = line
		rows = append(rows, row)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return nil, fmt.Errorf("line %d: the JSON array is not closed", lineAt(int64(len(data))))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line %d: unexpected data after the array", lineAt(next(dec.InputOffset())))
	}
	return rows, nil
}

func jsonErrorText(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the file ends too early")
	}
	return err
}

func quoteFromJSON(raw map[string]any) (QuoteRow, error) {
	var row QuoteRow
	for k, v := range raw {
		switch k {
		case "content", "speaker":
			s, ok := v.(string)
			if !ok && v != nil {
				return row, fmt.Errorf("%s must be text", k)
			}
			if k == "content" {
				row.Content = s
			} else {
				row.Speaker = s
			}
		case "episode":
			switch ep := v.(type) {
			case nil:
			case float64:
				if ep != math.Trunc(ep) || ep < 1 {
					return row, fmt.Errorf("episode %v is not a whole number of at least 1", ep)
				}
				if ep > QuoteEpisodeMax {
					return row, fmt.Errorf("episode %v is not between 1 and %d", ep, QuoteEpisodeMax)
				}
				row.Episode = int(ep)
			default:
				return row, errors.New("episode must be a number")
			}
		default:
			return row, fmt.Errorf("unknown field %q (expected content, speaker, episode)", k)
		}
	}
	return row, nil
}

func parseQuotesCSV(data []byte) ([]QuoteRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, twice := cols[h]; twice {
			return nil, fmt.Errorf("line 1: column %q appears twice", h)
		}
		switch h {
		case "content", "speaker", "episode":
			cols[h] = i
		default:
			return nil, fmt.Errorf("line 1: unknown column %q (the header is content,speaker,episode)", h)
		}
	}
	if _, ok := cols["content"]; !ok {
		return nil, errors.New("line 1: the header has no content column (expected content,speaker,episode)")
	}
	var rows []QuoteRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err // csv.ParseError names the line
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("line %d: %d fields, the header has %d", line, len(rec), len(header))
		}
		row := QuoteRow{Line: line, Content: rec[cols["content"]]}
		if i, ok := cols["speaker"]; ok {
			row.Speaker = rec[i]
		}
		if i, ok := cols["episode"]; ok && strings.TrimSpace(rec[i]) != "" {
			ep, err := strconv.Atoi(strings.TrimSpace(rec[i]))
			if err != nil || ep < 1 {
				return nil, fmt.Errorf("line %d: episode %q is not a whole number of at least 1", line, rec[i])
			}
			row.Episode = ep
		}
		rows = append(rows, row)
	}
	return rows, nil
}
