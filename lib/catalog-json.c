/* SPDX-License-Identifier: MIT */
/*
 * The catalog's JSON format (catalog.h, docs/catalog-format.md): loading,
 * saving and the built-in default catalog.
 *
 * Loading runs in two passes over the parsed document. The first checks
 * the shape (member names, JSON types, enum names) and feeds every item
 * to a tp_catalog_builder in array order, so that the builder's indices
 * are the array indices. When the shape is right, tp_catalog_builder_finish()
 * checks the meaning (slugs, duplicate ids, references, empty funnels) and
 * reports faults with the JSON path the item has in this format; the
 * loader then places every path at its line and column in the text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog-private.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/export.h"
#include "util/file.h"
#include "util/json.h"
#include "util/mem.h"

/* data/catalog/default.json, embedded by data/scripts/embed.py. */
extern const char tpi_default_catalog_json[];
extern const size_t tpi_default_catalog_json_len;

#define DEFAULT_SOURCE "<default catalog>"

/* ---- loading ---- */

struct loader {
	tp_error *err;
	tp_status first;          /* first shape fault */
	bool oom;
	struct tpi_path path;
	tp_catalog_builder *builder;
};

static void
fault(struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
fault(struct loader *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ld->first)
		ld->first = TP_ESCHEMA;
	tpi_error(ld->err, TP_ESCHEMA, NULL, 0, 0, tpi_path_str(&ld->path),
		  "%s", msg);
}

static void
add_status(struct loader *ld, tp_status st)
{
	if (st == TP_ENOMEM)
		ld->oom = true;
	else if (st && !ld->first)
		ld->first = st;
}

/* The members an item may have, and what each must be. */
enum member_type {
	M_STRING,        /* a string */
	M_STRING_NULL,   /* a string or null */
	M_ENUM,          /* the name of a value of a dimension */
	M_STAGE_LIST     /* an array of strings */
};

struct member {
	const char *name;
	enum member_type type;
	tp_dimension dimension;   /* for M_ENUM */
};

static const struct member channel_members[] = {
	{ "id", M_STRING, TP_DIMENSION_NONE },
	{ "name", M_STRING, TP_DIMENSION_NONE },
	{ "kind", M_ENUM, TP_DIMENSION_KIND },
	{ NULL, M_STRING, TP_DIMENSION_NONE },
};

static const struct member stage_members[] = {
	{ "id", M_STRING, TP_DIMENSION_NONE },
	{ "name", M_STRING, TP_DIMENSION_NONE },
	{ "phase", M_ENUM, TP_DIMENSION_PHASE },
	{ NULL, M_STRING, TP_DIMENSION_NONE },
};

static const struct member touchpoint_members[] = {
	{ "id", M_STRING, TP_DIMENSION_NONE },
	{ "name", M_STRING, TP_DIMENSION_NONE },
	{ "channel", M_STRING, TP_DIMENSION_NONE },
	{ "stage", M_STRING_NULL, TP_DIMENSION_NONE },
	{ "phase", M_ENUM, TP_DIMENSION_PHASE },
	{ "initiator", M_ENUM, TP_DIMENSION_INITIATOR },
	{ "personalization", M_ENUM, TP_DIMENSION_PERSONALIZATION },
	{ "intent", M_ENUM, TP_DIMENSION_INTENT },
	{ "control", M_ENUM, TP_DIMENSION_CONTROL },
	{ "agent", M_ENUM, TP_DIMENSION_AGENT },
	{ "business_model", M_ENUM, TP_DIMENSION_BUSINESS_MODEL },
	{ NULL, M_STRING, TP_DIMENSION_NONE },
};

static const struct member funnel_members[] = {
	{ "id", M_STRING, TP_DIMENSION_NONE },
	{ "name", M_STRING, TP_DIMENSION_NONE },
	{ "stages", M_STAGE_LIST, TP_DIMENSION_NONE },
	{ NULL, M_STRING, TP_DIMENSION_NONE },
};

/* "one of a, b, c" for a dimension's value names. */
static void
value_list(tp_dimension d, char *buf, size_t size)
{
	int v, n = tp_dimension_value_count(d);
	size_t used = 0;

	buf[0] = '\0';
	for (v = 0; v < n && used < size; v++) {
		int w = snprintf(buf + used, size - used, "%s%s",
				 v ? ", " : "", tp_dimension_value_name(d, v));

		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Exact (case-sensitive) enum name; -1 when it is not one. */
static int
parse_enum(tp_dimension d, const char *s)
{
	int v, n = tp_dimension_value_count(d);

	for (v = 0; v < n; v++)
		if (strcmp(tp_dimension_value_name(d, v), s) == 0)
			return v;
	return -1;
}

/*
 * Check the members of one item object against a member table. values[k]
 * receives the member's cJSON node (NULL when absent or faulty); enums[k]
 * the parsed enum value (0 when absent). Returns false on a fault.
 */
static bool
check_members(struct loader *ld, const cJSON *obj, const char *what,
	      const struct member *members, const cJSON **values, int *enums)
{
	const cJSON *m;
	bool ok = true;
	size_t k;

	for (k = 0; members[k].name; k++) {
		values[k] = NULL;
		enums[k] = 0;
	}
	for (m = obj->child; m; m = m->next) {
		const struct member *def = NULL;

		for (k = 0; members[k].name; k++)
			if (strcmp(members[k].name, m->string) == 0) {
				def = &members[k];
				break;
			}
		tpi_path_push_key(&ld->path, m->string);
		if (!def) {
			fault(ld, "unknown member \"%s\" in %s", m->string, what);
			ok = false;
		} else if (def->type == M_STAGE_LIST) {
			const cJSON *s;
			size_t i = 0;

			if (!cJSON_IsArray(m)) {
				fault(ld, "\"%s\" must be an array of stage ids, not %s",
				      def->name, tpi_json_type_name(m));
				ok = false;
			} else {
				bool good = true;

				for (s = m->child; s; s = s->next, i++) {
					if (cJSON_IsString(s))
						continue;
					tpi_path_push_index(&ld->path, i);
					fault(ld, "a stage id must be a string, not %s",
					      tpi_json_type_name(s));
					tpi_path_pop(&ld->path);
					good = false;
				}
				if (good)
					values[k] = m;
				else
					ok = false;
			}
		} else if (def->type == M_STRING_NULL && cJSON_IsNull(m)) {
			/* absent */
		} else if (!cJSON_IsString(m)) {
			fault(ld, "\"%s\" must be a string%s, not %s", def->name,
			      def->type == M_STRING_NULL ? " or null" : "",
			      tpi_json_type_name(m));
			ok = false;
		} else if (def->type == M_ENUM) {
			int v = parse_enum(def->dimension, m->valuestring);

			if (v < 0) {
				char list[256];

				value_list(def->dimension, list, sizeof(list));
				fault(ld, "unknown %s \"%s\" (expected one of: %s)",
				      def->name, m->valuestring, list);
				ok = false;
			} else {
				values[k] = m;
				enums[k] = v;
			}
		} else {
			values[k] = m;
		}
		tpi_path_pop(&ld->path);
	}
	if (!values[0] && ok) {
		/* members[0] is always "id". */
		fault(ld, "%s has no \"id\"", what);
		ok = false;
	}
	return ok;
}

static const char *
str_of(const cJSON *v)
{
	return v ? v->valuestring : NULL;
}

static void
load_channel(struct loader *ld, const cJSON *obj)
{
	const cJSON *v[3];
	int e[3];
	tp_channel_def def = TP_CHANNEL_DEF_INIT;

	if (!check_members(ld, obj, "channel", channel_members, v, e) ||
	    ld->first)
		return;
	def.id = str_of(v[0]);
	def.name = str_of(v[1]);
	def.kind = (tp_channel_kind)e[2];
	add_status(ld, tp_catalog_builder_add_channel(ld->builder, &def));
}

static void
load_stage(struct loader *ld, const cJSON *obj)
{
	const cJSON *v[3];
	int e[3];
	tp_stage_def def = TP_STAGE_DEF_INIT;

	if (!check_members(ld, obj, "stage", stage_members, v, e) || ld->first)
		return;
	def.id = str_of(v[0]);
	def.name = str_of(v[1]);
	def.phase = (tp_phase)e[2];
	add_status(ld, tp_catalog_builder_add_stage(ld->builder, &def));
}

static void
load_touchpoint(struct loader *ld, const cJSON *obj)
{
	const cJSON *v[11];
	int e[11];
	tp_touchpoint_def def = TP_TOUCHPOINT_DEF_INIT;

	if (!check_members(ld, obj, "touchpoint", touchpoint_members, v, e) ||
	    ld->first)
		return;
	def.id = str_of(v[0]);
	def.name = str_of(v[1]);
	def.channel = str_of(v[2]);
	def.stage = str_of(v[3]);
	def.phase = (tp_phase)e[4];
	def.initiator = (tp_initiator)e[5];
	def.personalization = (tp_personalization)e[6];
	def.intent = (tp_intent)e[7];
	def.control = (tp_control)e[8];
	def.agent = (tp_agent)e[9];
	def.business_model = (tp_business_model)e[10];
	add_status(ld, tp_catalog_builder_add_touchpoint(ld->builder, &def));
}

static void
load_funnel(struct loader *ld, const cJSON *obj)
{
	const char *small[16];
	const char **ids = small;
	const cJSON *v[3], *s;
	int e[3];
	size_t n = 0;

	if (!check_members(ld, obj, "funnel", funnel_members, v, e) || ld->first)
		return;
	if (v[2]) {
		size_t cap = (size_t)cJSON_GetArraySize(v[2]);

		if (cap > sizeof(small) / sizeof(small[0])) {
			ids = tpi_calloc(cap, sizeof(*ids));
			if (!ids) {
				ld->oom = true;
				return;
			}
		}
		for (s = v[2]->child; s; s = s->next)
			ids[n++] = s->valuestring;
	}
	add_status(ld, tp_catalog_builder_add_funnel(ld->builder, str_of(v[0]),
						     str_of(v[1]), ids, n));
	if (ids != small)
		tpi_free(ids);
}

static const struct {
	const char *name;
	const char *item;
	void (*load)(struct loader *ld, const cJSON *obj);
} sections[] = {
	{ "channels", "channel", load_channel },
	{ "touchpoints", "touchpoint", load_touchpoint },
	{ "stages", "stage", load_stage },
	{ "funnels", "funnel", load_funnel },
};

static void
load_root(struct loader *ld, const cJSON *root)
{
	const cJSON *m;
	size_t k;

	if (!cJSON_IsObject(root)) {
		fault(ld, "a catalog must be a JSON object, not %s",
		      tpi_json_type_name(root));
		return;
	}
	for (m = root->child; m && !ld->oom; m = m->next) {
		const cJSON *item;
		size_t i = 0;

		for (k = 0; k < sizeof(sections) / sizeof(sections[0]); k++)
			if (strcmp(sections[k].name, m->string) == 0)
				break;
		tpi_path_push_key(&ld->path, m->string);
		if (k == sizeof(sections) / sizeof(sections[0])) {
			fault(ld, "unknown member \"%s\" in catalog (expected "
			      "channels, touchpoints, stages, funnels)", m->string);
		} else if (!cJSON_IsArray(m)) {
			fault(ld, "\"%s\" must be an array, not %s", m->string,
			      tpi_json_type_name(m));
		} else {
			for (item = m->child; item && !ld->oom;
			     item = item->next, i++) {
				tpi_path_push_index(&ld->path, i);
				if (cJSON_IsObject(item))
					sections[k].load(ld, item);
				else
					fault(ld, "a %s must be an object, not %s",
					      sections[k].item,
					      tpi_json_type_name(item));
				tpi_path_pop(&ld->path);
			}
		}
		tpi_path_pop(&ld->path);
	}
}

TP_EXPORT tp_status
tp_catalog_load_string(const char *text, size_t len, const char *source,
		       tp_catalog **out, tp_error *err)
{
	struct loader ld;
	size_t first_entry;
	cJSON *root = NULL;
	tp_catalog *c = NULL;
	tp_status st;

	if (out)
		*out = NULL;
	if (!out || (!text && len))
		return TP_EINVAL;
	if (!text)
		text = "";
	if (!source)
		source = "<string>";
	first_entry = tp_error_count(err);
	st = tpi_json_parse(text, len, source, &root, err);
	if (st)
		return st;

	memset(&ld, 0, sizeof(ld));
	ld.err = err;
	tpi_path_init(&ld.path);
	st = tp_catalog_builder_new(&ld.builder);
	if (st) {
		ld.oom = true;
	} else {
		load_root(&ld, root);
		if (ld.path.buf.failed)
			ld.oom = true;
		if (!ld.oom && !ld.first) {
			st = tp_catalog_builder_finish(ld.builder, &c, err);
			if (st == TP_ENOMEM)
				ld.oom = true;
			else if (st)
				ld.first = st;
		}
	}
	tp_catalog_builder_free(ld.builder);
	tpi_path_fini(&ld.path);
	cJSON_Delete(root);

	if (ld.oom) {
		tp_catalog_free(c);
		tpi_error(err, TP_ENOMEM, source, 0, 0, NULL,
			  "out of memory while loading the catalog");
		return TP_ENOMEM;
	}
	tpi_json_locate_errors(err, first_entry, text, len, source);
	if (ld.first) {
		tp_catalog_free(c);
		return ld.first;
	}
	*out = c;
	return TP_OK;
}

TP_EXPORT tp_status
tp_catalog_load_file(const char *path, tp_catalog **out, tp_error *err)
{
	char *text;
	size_t len;
	tp_status st;

	if (out)
		*out = NULL;
	if (!path || !out)
		return TP_EINVAL;
	st = tpi_read_file(path, &text, &len, err);
	if (st)
		return st;
	st = tp_catalog_load_string(text, len, path, out, err);
	tpi_free(text);
	return st;
}

TP_EXPORT tp_status
tp_catalog_default(tp_catalog **out, tp_error *err)
{
	return tp_catalog_load_string(tpi_default_catalog_json,
				      tpi_default_catalog_json_len,
				      DEFAULT_SOURCE, out, err);
}

/* ---- saving ---- */

static void
put_string(struct tpi_buf *b, const char *s)
{
	tpi_buf_json_string(b, s, strlen(s));
}

/* `, "name": "value"` for a dimension's value. */
static void
put_enum(struct tpi_buf *b, tp_dimension d, int value)
{
	const char *name = tp_dimension_value_name(d, value);

	tpi_buf_puts(b, ", ");
	put_string(b, tp_dimension_name(d));
	tpi_buf_puts(b, ": ");
	put_string(b, name ? name : "unknown");
}

/* `{"id": ..., "name": ...` of an item. */
static void
put_head(struct tpi_buf *b, size_t i, const char *id, const char *name)
{
	tpi_buf_puts(b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
	put_string(b, id);
	tpi_buf_puts(b, ", \"name\": ");
	put_string(b, name);
}

static void
put_section(struct tpi_buf *b, const char *name)
{
	tpi_buf_puts(b, "  \"");
	tpi_buf_puts(b, name);
	tpi_buf_puts(b, "\": [");
}

static void
end_section(struct tpi_buf *b, size_t n, bool last)
{
	tpi_buf_puts(b, n ? "\n  ]" : "]");
	tpi_buf_puts(b, last ? "\n" : ",\n");
}

static const tp_dimension touchpoint_dims[] = {
	TP_DIMENSION_PHASE, TP_DIMENSION_INITIATOR,
	TP_DIMENSION_PERSONALIZATION, TP_DIMENSION_INTENT,
	TP_DIMENSION_CONTROL, TP_DIMENSION_AGENT,
	TP_DIMENSION_BUSINESS_MODEL,
};

TP_EXPORT tp_status
tp_catalog_save_string(const tp_catalog *catalog, char **out, size_t *len)
{
	const struct tpi_catalog_items *it;
	struct tpi_buf b = TPI_BUF_INIT;
	size_t i, k;

	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (!catalog || !out)
		return TP_EINVAL;
	it = &catalog->it;
	tpi_buf_puts(&b, "{\n");

	put_section(&b, "channels");
	for (i = 0; i < it->n_channels; i++) {
		const struct tpi_channel *ch = &it->channels[i];

		put_head(&b, i, ch->id, ch->name);
		put_enum(&b, TP_DIMENSION_KIND, (int)ch->kind);
		tpi_buf_putc(&b, '}');
	}
	end_section(&b, it->n_channels, false);

	put_section(&b, "touchpoints");
	for (i = 0; i < it->n_touchpoints; i++) {
		const struct tpi_touchpoint *t = &it->touchpoints[i];

		put_head(&b, i, t->id, t->name);
		tpi_buf_puts(&b, ", \"channel\": ");
		put_string(&b, it->channels[t->channel].id);
		tpi_buf_puts(&b, ", \"stage\": ");
		if (t->stage >= 0)
			put_string(&b, it->stages[t->stage].id);
		else
			tpi_buf_puts(&b, "null");
		for (k = 0; k < sizeof(touchpoint_dims) / sizeof(touchpoint_dims[0]); k++)
			put_enum(&b, touchpoint_dims[k],
				 t->dims[touchpoint_dims[k]]);
		tpi_buf_putc(&b, '}');
	}
	end_section(&b, it->n_touchpoints, false);

	put_section(&b, "stages");
	for (i = 0; i < it->n_stages; i++) {
		const struct tpi_stage *s = &it->stages[i];

		put_head(&b, i, s->id, s->name);
		put_enum(&b, TP_DIMENSION_PHASE, (int)s->phase);
		tpi_buf_putc(&b, '}');
	}
	end_section(&b, it->n_stages, false);

	put_section(&b, "funnels");
	for (i = 0; i < it->n_funnels; i++) {
		const struct tpi_funnel *f = &it->funnels[i];

		put_head(&b, i, f->id, f->name);
		tpi_buf_puts(&b, ", \"stages\": [");
		for (k = 0; k < f->n_stages; k++) {
			if (k)
				tpi_buf_puts(&b, ", ");
			put_string(&b, it->stages[f->stages[k]].id);
		}
		tpi_buf_puts(&b, "]}");
	}
	end_section(&b, it->n_funnels, true);
	tpi_buf_puts(&b, "}\n");

	*out = tpi_buf_steal(&b, len);
	return *out ? TP_OK : TP_ENOMEM;
}

TP_EXPORT tp_status
tp_catalog_save_file(const tp_catalog *catalog, const char *path,
		     tp_error *err)
{
	char *text;
	size_t len;
	tp_status st;

	if (!catalog || !path)
		return TP_EINVAL;
	st = tp_catalog_save_string(catalog, &text, &len);
	if (st)
		return tpi_error(err, st, path, 0, 0, NULL,
				 "out of memory while writing the catalog");
	st = tpi_write_file(path, text, len, err);
	tpi_free(text);
	return st;
}
