/* SPDX-License-Identifier: MIT */
/* Run-time version (version.h). */
#include "touchpoint/version.h"
#include "util/export.h"

TP_EXPORT unsigned
tp_version_number(void)
{
	return TP_VERSION_NUMBER;
}

TP_EXPORT const char *
tp_version_string(void)
{
	return TP_VERSION_STRING;
}
