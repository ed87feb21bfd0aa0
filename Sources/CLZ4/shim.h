#ifndef LEDGER_CLZ4_SHIM_H
#define LEDGER_CLZ4_SHIM_H
// The dictionary frame API is only declared with LZ4F_STATIC_LINKING_ONLY (lz4 1.9.4).
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4.h>
#include <lz4hc.h>
#include <lz4frame.h>
#endif
