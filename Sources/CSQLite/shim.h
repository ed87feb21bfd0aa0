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
/* A VFS over the system's default one that joins writes to consecutive offsets of a main
   database into one write of up to 124 KiB. SQLite writes each page with its own write(): a
   commit of 100,000 events into the append index, some 10,000 pages, one call each; 33 MB written
   4 KiB at a time then synced took this machine 60-70 ms, against 30 ms in large writes. The
   joined bytes are written before anything that could observe the file (a read, its size, a
   sync, a truncation, a lock or shared-memory call, a mapping, closing), so SQLite and every
   other process see the file as if each write had been made at once; a failed write stays
   pending and is reported by the call that tried it. */
#include <stdlib.h>
#include <string.h>

/* Under 128 KiB: the unix VFS writes at most 0x1ffff bytes a call (it masks a larger count, and
   a MiB would be written as nothing, then reported as a full disk). */
#define LEDGER_JOINED_WRITE_BYTES (124 << 10)

typedef struct LedgerJoinedFile {
    sqlite3_file base;
    sqlite3_file *real;
    unsigned char *pending;
    /* Whether writes are joined: a main database's only (see ledger_joined_open). */
    int joins;
    int pendingBytes;
    sqlite3_int64 pendingOffset;
} LedgerJoinedFile;

static int ledger_joined_flush(LedgerJoinedFile *f) {
    if (f->pendingBytes == 0) return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->pending, f->pendingBytes, f->pendingOffset);
    if (rc == SQLITE_OK) f->pendingBytes = 0;
    return rc;
}

#define LEDGER_JOINED_REAL(file) (((LedgerJoinedFile *)(file))->real)
#define LEDGER_JOINED_FLUSHED(file)                                                              \
    do {                                                                                          \
        int flushed = ledger_joined_flush((LedgerJoinedFile *)(file));                           \
        if (flushed != SQLITE_OK) return flushed;                                                 \
    } while (0)

static int ledger_joined_close(sqlite3_file *file) {
    LedgerJoinedFile *f = (LedgerJoinedFile *)file;
    int flushed = ledger_joined_flush(f);
    int rc = f->real->pMethods->xClose(f->real);
    sqlite3_free(f->pending);
    f->pending = 0;
    return flushed != SQLITE_OK ? flushed : rc;
}

static int ledger_joined_read(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xRead(LEDGER_JOINED_REAL(file), out, amount, offset);
}

static int ledger_joined_write(sqlite3_file *file, const void *bytes, int amount, sqlite3_int64 offset) {
    LedgerJoinedFile *f = (LedgerJoinedFile *)file;
    if (f->pending && f->pendingBytes > 0 && offset == f->pendingOffset + f->pendingBytes
        && f->pendingBytes + amount <= LEDGER_JOINED_WRITE_BYTES) {
        memcpy(f->pending + f->pendingBytes, bytes, (size_t)amount);
        f->pendingBytes += amount;
        return SQLITE_OK;
    }
    LEDGER_JOINED_FLUSHED(file);
    if (f->joins && !f->pending && amount < LEDGER_JOINED_WRITE_BYTES) {
        f->pending = sqlite3_malloc(LEDGER_JOINED_WRITE_BYTES);
    }
    if (!f->pending || amount >= LEDGER_JOINED_WRITE_BYTES) {
        return f->real->pMethods->xWrite(f->real, bytes, amount, offset);
    }
    memcpy(f->pending, bytes, (size_t)amount);
    f->pendingBytes = amount;
    f->pendingOffset = offset;
    return SQLITE_OK;
}

static int ledger_joined_truncate(sqlite3_file *file, sqlite3_int64 size) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xTruncate(LEDGER_JOINED_REAL(file), size);
}

static int ledger_joined_sync(sqlite3_file *file, int flags) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xSync(LEDGER_JOINED_REAL(file), flags);
}

static int ledger_joined_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xFileSize(LEDGER_JOINED_REAL(file), size);
}

static int ledger_joined_lock(sqlite3_file *file, int level) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xLock(LEDGER_JOINED_REAL(file), level);
}

static int ledger_joined_unlock(sqlite3_file *file, int level) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xUnlock(LEDGER_JOINED_REAL(file), level);
}

static int ledger_joined_check_reserved_lock(sqlite3_file *file, int *out) {
    return LEDGER_JOINED_REAL(file)->pMethods->xCheckReservedLock(LEDGER_JOINED_REAL(file), out);
}

static int ledger_joined_file_control(sqlite3_file *file, int op, void *arg) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xFileControl(LEDGER_JOINED_REAL(file), op, arg);
}

static int ledger_joined_sector_size(sqlite3_file *file) {
    return LEDGER_JOINED_REAL(file)->pMethods->xSectorSize(LEDGER_JOINED_REAL(file));
}

static int ledger_joined_device_characteristics(sqlite3_file *file) {
    return LEDGER_JOINED_REAL(file)->pMethods->xDeviceCharacteristics(LEDGER_JOINED_REAL(file));
}

static int ledger_joined_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xShmMap(LEDGER_JOINED_REAL(file), page, size, extend, out);
}

static int ledger_joined_shm_lock(sqlite3_file *file, int offset, int n, int flags) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xShmLock(LEDGER_JOINED_REAL(file), offset, n, flags);
}

static void ledger_joined_shm_barrier(sqlite3_file *file) {
    /* No result to report a failed write by: it stays pending, and the next call that writes it
       (a sync, an unlock) reports it. */
    LedgerJoinedFile *f = (LedgerJoinedFile *)file;
    (void)ledger_joined_flush(f);
    f->real->pMethods->xShmBarrier(f->real);
}

static int ledger_joined_shm_unmap(sqlite3_file *file, int deleteFlag) {
    LEDGER_JOINED_FLUSHED(file);
    return LEDGER_JOINED_REAL(file)->pMethods->xShmUnmap(LEDGER_JOINED_REAL(file), deleteFlag);
}

static int ledger_joined_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out) {
    LEDGER_JOINED_FLUSHED(file);
    /* A file without mappings: SQLite reads the page instead. */
    if (LEDGER_JOINED_REAL(file)->pMethods->iVersion < 3) {
        *out = 0;
        return SQLITE_OK;
    }
    return LEDGER_JOINED_REAL(file)->pMethods->xFetch(LEDGER_JOINED_REAL(file), offset, amount, out);
}

static int ledger_joined_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) {
    if (LEDGER_JOINED_REAL(file)->pMethods->iVersion < 3) return SQLITE_OK;
    return LEDGER_JOINED_REAL(file)->pMethods->xUnfetch(LEDGER_JOINED_REAL(file), offset, page);
}

/* The joining VFS and its files' methods, made once, on the heap (Swift emits a header's
   functions, not its variables), with the system VFS it opens files through. */
typedef struct LedgerJoinedVFS {
    sqlite3_vfs vfs;
    sqlite3_io_methods io;
    sqlite3_vfs *real;
} LedgerJoinedVFS;

#define LEDGER_JOINED_SYSTEM(vfs) (((LedgerJoinedVFS *)(vfs)->pAppData)->real)

static int ledger_joined_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    LedgerJoinedFile *f = (LedgerJoinedFile *)file;
    memset(f, 0, sizeof(*f));
    f->real = (sqlite3_file *)&f[1];
    int rc = real->xOpen(real, name, f->real, flags, outFlags);
    /* A main database's writes (a rollback-journal commit's pages, a checkpoint's) are always
       followed, on its own handle, by a sync, an unlock or a shared-memory call, which write
       them out. A journal's or a WAL's may be followed only by calls on the database's handle
       (a WAL commit ends by releasing a lock in the shared memory): they are not joined. Nor is
       anything under locking_mode=EXCLUSIVE, which the ledger does not use, safe: it never
       unlocks. */
    f->joins = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    /* A file the real VFS could not open has no methods, so SQLite never calls ours on it. */
    f->base.pMethods = f->real->pMethods ? &((LedgerJoinedVFS *)vfs->pAppData)->io : 0;
    return rc;
}

static int ledger_joined_delete(sqlite3_vfs *vfs, const char *name, int syncDir) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xDelete(real, name, syncDir);
}

static int ledger_joined_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xAccess(real, name, flags, out);
}

static int ledger_joined_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xFullPathname(real, name, n, out);
}

static int ledger_joined_randomness(sqlite3_vfs *vfs, int n, char *out) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xRandomness(real, n, out);
}

static int ledger_joined_sleep(sqlite3_vfs *vfs, int microseconds) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xSleep(real, microseconds);
}

static int ledger_joined_current_time(sqlite3_vfs *vfs, double *out) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xCurrentTime(real, out);
}

static int ledger_joined_last_error(sqlite3_vfs *vfs, int n, char *out) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xGetLastError ? real->xGetLastError(real, n, out) : 0;
}

static int ledger_joined_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
    sqlite3_vfs *real = LEDGER_JOINED_SYSTEM(vfs);
    return real->xCurrentTimeInt64(real, out);
}

/* The name the joining VFS is registered under (sqlite3_open_v2's last argument). */
#define LEDGER_JOINED_VFS_NAME "ledger-joined-writes"

/* Registers the joining VFS over the default one, once (not the default itself: other code in
   the process keeps the system's). Returns SQLITE_OK when it is registered. */
static inline int ledger_sqlite3_register_joined_writes(void) {
    if (sqlite3_vfs_find(LEDGER_JOINED_VFS_NAME)) return SQLITE_OK;
    sqlite3_vfs *real = sqlite3_vfs_find(0);
    if (!real || real->iVersion < 2) return SQLITE_ERROR;
    /* Kept for the process's life, as SQLite requires of a registered VFS. */
    LedgerJoinedVFS *joined = (LedgerJoinedVFS *)calloc(1, sizeof(LedgerJoinedVFS));
    if (!joined) return SQLITE_NOMEM;
    joined->real = real;
    sqlite3_io_methods io = {
        3,
        ledger_joined_close,
        ledger_joined_read,
        ledger_joined_write,
        ledger_joined_truncate,
        ledger_joined_sync,
        ledger_joined_file_size,
        ledger_joined_lock,
        ledger_joined_unlock,
        ledger_joined_check_reserved_lock,
        ledger_joined_file_control,
        ledger_joined_sector_size,
        ledger_joined_device_characteristics,
        ledger_joined_shm_map,
        ledger_joined_shm_lock,
        ledger_joined_shm_barrier,
        ledger_joined_shm_unmap,
        ledger_joined_fetch,
        ledger_joined_unfetch,
    };
    joined->io = io;
    sqlite3_vfs *vfs = &joined->vfs;
    vfs->iVersion = 2;
    vfs->szOsFile = (int)sizeof(LedgerJoinedFile) + real->szOsFile;
    vfs->mxPathname = real->mxPathname;
    vfs->zName = LEDGER_JOINED_VFS_NAME;
    vfs->pAppData = joined;
    vfs->xOpen = ledger_joined_open;
    vfs->xDelete = ledger_joined_delete;
    vfs->xAccess = ledger_joined_access;
    vfs->xFullPathname = ledger_joined_full_pathname;
    vfs->xRandomness = ledger_joined_randomness;
    vfs->xSleep = ledger_joined_sleep;
    vfs->xCurrentTime = ledger_joined_current_time;
    vfs->xGetLastError = ledger_joined_last_error;
    vfs->xCurrentTimeInt64 = ledger_joined_current_time_int64;
    return sqlite3_vfs_register(vfs, 0);
}
#endif
