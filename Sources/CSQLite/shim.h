#ifndef LEDGER_CSQLITE_SHIM_H
#define LEDGER_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
