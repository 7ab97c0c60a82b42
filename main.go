// Command stovebot is a self-hosted chatbot for finding famous lines of the
// Korean drama Stove League, built on PocketBase. See README.md.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/cmd"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	stovecmd "stovebot/cmd"
	"stovebot/config"
	"stovebot/hooks"
	"stovebot/hooks/certs"
	"stovebot/hooks/store"
	_ "stovebot/migrations"
)

// Version is stamped by `make build` from git describe.
var Version = "dev"

// defaultMemoryLimit is Go's soft memory limit unless GOMEMLIMIT is set.
const defaultMemoryLimit = 100 << 20

func main() {
	// A few connections per core: each SQLite connection keeps its own page
	// cache, and PocketBase's default of 120 costs hundreds of MB when many
	// chats stream at once, for no throughput on a small VPS.
	conns := 4 * runtime.GOMAXPROCS(0)
	// A soft memory limit keeps a small VPS small: without it the heap may
	// double before a collection (GOGC=100). GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	app := pocketbase.NewWithConfig(pocketbase.Config{
		DataMaxOpenConns: conns,
		DataMaxIdleConns: conns,
		DBConnect:        store.DBConnect,
	})
	app.RootCmd.Version = Version
	app.RootCmd.Short = "stovebot: find the famous lines of Stove League"

	cfg, err := config.FromEnv()
	if err != nil {
		fail(err)
	}
	cfg.BindFlags(app.RootCmd.PersistentFlags())
	// Parse the flags now, as PocketBase does with its own, so that the hooks
	// are registered with the final configuration (errors show at Execute).
	_ = app.RootCmd.ParseFlags(os.Args[1:])
	if err := hooks.Register(app, cfg); err != nil {
		fail(err)
	}

	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{})
	app.RootCmd.AddCommand(
		certs.NewServeCommand(app),
		cmd.NewSuperuserCommand(app),
		stovecmd.NewQuotesCommand(app),
		stovecmd.NewUsersCommand(app),
		stovecmd.NewUsageCommand(app, &cfg),
		stovecmd.NewDoctorCommand(app, &cfg),
	)

	if err := app.Execute(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "stovebot:", err)
	os.Exit(1)
}
