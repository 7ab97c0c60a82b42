package chat

import (
	"github.com/pocketbase/dbx"

	"stovebot/hooks/search"
)

// OfflineModel is the model name of answers made from the quote index.
const OfflineModel = "quote-search"

// offlineQuotes is how many quotes an offline answer lists.
const offlineQuotes = 3

// offlineAnswer answers a question from approved quotes only, for when no
// upstream is configured: the best matches, or a pointer to the quote board.
// It returns the answer as pieces to stream.
func offlineAnswer(db dbx.Builder, quotes *search.Index, question string) ([]string, error) {
	hits, err := quotes.Find(db, question, offlineQuotes)
	if err != nil {
		return nil, err
	}
	korean := isKorean(question)
	if len(hits) == 0 {
		if korean {
			return []string{"아직 이 질문에 맞는 명대사가 없어요. 명대사 게시판에 알고 있는 대사를 올려 주세요. 관리자가 승인하면 바로 찾을 수 있어요."}, nil
		}
		return []string{"No approved quote matches that yet. If you know the line, submit it on the quote board: once an admin approves it, it can be found here."}, nil
	}
	intro := "These approved quotes match best:\n\n"
	if korean {
		intro = "가장 잘 맞는 명대사예요.\n\n"
	}
	pieces := []string{intro}
	for i, h := range hits {
		sep := "\n\n"
		if i == len(hits)-1 {
			sep = ""
		}
		pieces = append(pieces, formatQuote(h, korean)+sep)
	}
	return pieces, nil
}
