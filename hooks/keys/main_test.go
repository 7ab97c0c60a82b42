package keys_test

import (
	"os"
	"testing"

	"stovebot/hooks/hookstest"
)

func TestMain(m *testing.M) {
	os.Exit(hookstest.Main(m))
}
