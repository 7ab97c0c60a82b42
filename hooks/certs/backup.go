package certs

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindBackupExclusion keeps <dataDir>/certmagic out of PocketBase's backups
// and restores, as PocketBase does with its own autocert cache: the folder
// holds private keys (backups may be uploaded to S3), a certificate is
// obtained again when missing, and a restore must not roll back a renewal.
func bindBackupExclusion(app core.App) {
	exclude := func(e *core.BackupEvent) error {
		e.Exclude = append(e.Exclude, StorageDirName)
		return e.Next()
	}
	app.OnBackupCreate().Bind(&hook.Handler[*core.BackupEvent]{Id: "stovebotCertmagicBackup", Func: exclude})
	app.OnBackupRestore().Bind(&hook.Handler[*core.BackupEvent]{Id: "stovebotCertmagicRestore", Func: exclude})
}
