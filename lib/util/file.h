/* SPDX-License-Identifier: MIT */
/* Internal: reading a whole file. */
#ifndef TP_UTIL_FILE_H
#define TP_UTIL_FILE_H

#include <stddef.h>

#include "touchpoint/error.h"

/* Read path into a NUL-terminated buffer (free with tpi_free). Reports
 * TP_EIO with the file name and the system's reason, or TP_ENOMEM. */
tp_status tpi_read_file(const char *path, char **out, size_t *len,
			tp_error *err);
/* Write data to path, replacing it. */
tp_status tpi_write_file(const char *path, const char *data, size_t len,
			 tp_error *err);

#endif
