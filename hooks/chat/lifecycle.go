package chat

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"stovebot/hooks/quota"
	"stovebot/migrations"
)

// shutdown waits for running answers, fails those still running after
// shutdownGrace, and waits for their failures to be saved.
func (s *Service) shutdown() {
	s.stopping.Store(true)
	select {
	case <-s.running.wait():
	case <-time.After(shutdownGrace):
		s.cancel()
		select {
		case <-s.running.wait():
		case <-time.After(5 * time.Second):
		}
	}
}

// repairPending marks the requests a crash left pending as failed and
// refunds them: the user was not answered.
func (s *Service) repairPending() error {
	return s.app.RunInTransaction(func(txApp core.App) error {
		var pending []struct {
			ID      string `db:"id"`
			User    string `db:"user"`
			Created string `db:"created"`
		}
		// a literal, not a parameter, so that SQLite uses the partial index
		err := txApp.DB().Select("id", "user", "created").From(migrations.ChatsCollection).
			Where(dbx.NewExp("[[status]] = 'pending'")).All(&pending)
		if err != nil || len(pending) == 0 {
			return err
		}
		for _, p := range pending {
			created, err := types.ParseDateTime(p.Created)
			if err != nil {
				return fmt.Errorf("reading the date of chat %s: %w", p.ID, err)
			}
			if err := quota.Refund(txApp.DB(), s.cfg, p.User, quota.Day(created.Time(), s.cfg.Location())); err != nil {
				return err
			}
		}
		_, err = txApp.DB().Update(migrations.ChatsCollection, dbx.Params{"status": StatusFailed},
			dbx.NewExp("[[status]] = 'pending'")).Execute()
		if err == nil {
			s.app.Logger().Info("chat: marked requests left pending by a stop as failed", "count", len(pending))
		}
		return err
	})
}
