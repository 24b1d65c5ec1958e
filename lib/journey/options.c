/* SPDX-License-Identifier: MIT */
/* The defaults of the journey and matrix structs, for FFI. */
#include "touchpoint/journey.h"
#include "touchpoint/matrix.h"
#include "util/export.h"

TP_EXPORT void
tp_touch_init(tp_touch *out)
{
	tp_touch v = TP_TOUCH_INIT;

	if (out)
		*out = v;
}

TP_EXPORT void
tp_journey_options_init(tp_journey_options *out)
{
	tp_journey_options v = TP_JOURNEY_OPTIONS_INIT;

	if (out)
		*out = v;
}

TP_EXPORT void
tp_journey_path_options_init(tp_journey_path_options *out)
{
	tp_journey_path_options v = TP_JOURNEY_PATH_OPTIONS_INIT;

	if (out)
		*out = v;
}

TP_EXPORT void
tp_matrix_options_init(tp_matrix_options *out)
{
	tp_matrix_options v = TP_MATRIX_OPTIONS_INIT;

	if (out)
		*out = v;
}
