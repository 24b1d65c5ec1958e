/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/file.h"
#include "util/mem.h"

tp_status
tpi_read_file(const char *path, char **out, size_t *len, tp_error *err)
{
	char *data = NULL, *p;
	size_t cap = 0, n = 0;
	FILE *f;

	*out = NULL;
	*len = 0;
	f = fopen(path, "rb");
	if (!f)
		return tpi_error(err, TP_EIO, path, 0, 0, NULL,
				 "cannot open: %s", strerror(errno));
	for (;;) {
		size_t got;

		if (!TPI_GROW(data, cap, n + 65536 + 1)) {
			tpi_free(data);
			fclose(f);
			return tpi_error(err, TP_ENOMEM, path, 0, 0, NULL,
					 "out of memory reading the file");
		}
		got = fread(data + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				int e = errno;

				tpi_free(data);
				fclose(f);
				return tpi_error(err, TP_EIO, path, 0, 0, NULL,
						 "cannot read: %s", strerror(e));
			}
			break;
		}
	}
	fclose(f);
	data[n] = '\0';
	/* Give back the slack of large files. */
	p = tpi_realloc(data, n + 1);
	*out = p ? p : data;
	*len = n;
	return TP_OK;
}

tp_status
tpi_write_file(const char *path, const char *data, size_t len, tp_error *err)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return tpi_error(err, TP_EIO, path, 0, 0, NULL,
				 "cannot open for writing: %s", strerror(errno));
	if (fwrite(data, 1, len, f) != len) {
		int e = errno;

		fclose(f);
		return tpi_error(err, TP_EIO, path, 0, 0, NULL,
				 "cannot write: %s", strerror(e));
	}
	if (fclose(f) != 0)
		return tpi_error(err, TP_EIO, path, 0, 0, NULL,
				 "cannot write: %s", strerror(errno));
	return TP_OK;
}
