package chat

import "stovebot/config"

// Internals that the tests of package chat_test reach.
var (
	OpaqueUser      = opaqueUser
	MaxAnswerTokens = maxAnswerTokens
	ContextSQL      = contextSQL
	ReadChatRequest = readChatRequest
	IdemExpire      = idemExpire

	CheckConversation   = checkConversation
	ValidConversationID = validConversationID
)

// CheckContent is Service.checkContent with a limit of maxChars.
func CheckContent(maxChars int, content string) (string, error) {
	s := &Service{cfg: &config.Config{MaxChars: maxChars}}
	return s.checkContent(content)
}
