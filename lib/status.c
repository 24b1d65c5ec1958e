/* SPDX-License-Identifier: MIT */
/* Status codes (status.h). */
#include <stddef.h>

#include "touchpoint/status.h"
#include "util/export.h"

static const struct {
	tp_status code;
	const char *name;
	const char *text;
} statuses[] = {
	{ TP_OK, "TP_OK", "success" },
	{ TP_EINVAL, "TP_EINVAL", "invalid argument" },
	{ TP_ENOMEM, "TP_ENOMEM", "out of memory" },
	{ TP_EIO, "TP_EIO", "input/output error" },
	{ TP_ESYNTAX, "TP_ESYNTAX", "syntax error" },
	{ TP_ESCHEMA, "TP_ESCHEMA", "invalid structure or value" },
	{ TP_ENOTFOUND, "TP_ENOTFOUND", "not found" },
	{ TP_EEXIST, "TP_EEXIST", "already defined" },
	{ TP_ERANGE, "TP_ERANGE", "out of range" },
	{ TP_EUTF8, "TP_EUTF8", "invalid UTF-8" },
	{ TP_EVERSION, "TP_EVERSION", "unsupported format version" },
	{ TP_EMISMATCH, "TP_EMISMATCH", "objects do not match" },
	{ TP_EEMPTY, "TP_EEMPTY", "no data" },
};

TP_EXPORT const char *
tp_strerror(tp_status status)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == status)
			return statuses[i].text;
	return "unknown error";
}

TP_EXPORT const char *
tp_status_name(tp_status status)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == status)
			return statuses[i].name;
	return NULL;
}
