#ifndef CARDGATE_CPCSCLITE_SHIM_H
#define CARDGATE_CPCSCLITE_SHIM_H
// CardGate's view of libpcsclite: the real PC/SC headers, nothing redeclared.
// DWORD, LONG and SCARDHANDLE come from <wintypes.h>, which defines them as
// unsigned long / long on Linux (64-bit).
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <PCSC/pcsclite.h>
#include <PCSC/reader.h>
#endif
