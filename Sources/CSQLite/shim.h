#ifndef LEDGER_CSQLITE_SHIM_H
#define LEDGER_CSQLITE_SHIM_H
#include <sqlite3.h>

/* Keeps a WAL database's write-ahead log when the connection closes, and skips the checkpoint
   that closing would run: a short-lived process then commits with no fsync of the database, the
   WAL or the directory. sqlite3_db_config is variadic, which Swift cannot call. */
static inline int ledger_sqlite3_keep_wal_on_close(sqlite3 *db) {
    int on = 1;
    int rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

/* Turns off SQLite's memory statistics, which take a global mutex on every allocation (a rebuild
   makes hundreds of millions); nothing here reads them. Only before SQLite initialises: later it
   returns SQLITE_MISUSE and changes nothing. sqlite3_config is variadic too. */
static inline int ledger_sqlite3_no_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
