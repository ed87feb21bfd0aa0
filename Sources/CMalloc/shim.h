#ifndef LEDGER_CMALLOC_SHIM_H
#define LEDGER_CMALLOC_SHIM_H
/* glibc's mallopt, which the Glibc module does not bring (it does not include malloc.h). */
#include <malloc.h>
#endif
