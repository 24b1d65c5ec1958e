/* SPDX-License-Identifier: MIT */
/* The defaults of the attribution structs, for FFI (attribution.h). */
#include "touchpoint/attribution.h"
#include "util/export.h"

TP_EXPORT void
tp_path_init(tp_path *out)
{
	tp_path v = TP_PATH_INIT;

	if (out)
		*out = v;
}

TP_EXPORT void
tp_path_table_options_init(tp_path_table_options *out)
{
	tp_path_table_options v = TP_PATH_TABLE_OPTIONS_INIT;

	if (out)
		*out = v;
}

TP_EXPORT void
tp_attribution_options_init(tp_attribution_options *out)
{
	tp_attribution_options v = TP_ATTRIBUTION_OPTIONS_INIT;

	if (out)
		*out = v;
}
