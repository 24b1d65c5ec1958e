/* SPDX-License-Identifier: MIT */
/*
 * The rule-language compiler: JSON text -> struct tp_ruleset.
 * Every fault is reported (not only the first) with its JSON path; the
 * positions are filled in from the text at the end.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog-private.h"
#include "rules/rules-private.h"
#include "util/error.h"
#include "util/export.h"
#include "util/file.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/text.h"

#define MAX_DEPTH 48

struct compiler {
	tp_ruleset *rs;
	tp_error *err;
	const char *source;
	struct tpi_path path;
	const char *rule;        /* name of the rule being compiled, for messages */
	tp_status first;         /* first fault */
	bool oom;
	pcre2_general_context *gctx;
	pcre2_compile_context *cctx;
};

static void
fault(struct compiler *c, tp_status code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fault(struct compiler *c, tp_status code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (code == TP_ENOMEM)
		c->oom = true;
	if (!c->first)
		c->first = code;
	if (c->rule)
		tpi_error(c->err, code, NULL, 0, 0, tpi_path_str(&c->path),
			  "rule \"%s\": %s", c->rule, msg);
	else
		tpi_error(c->err, code, NULL, 0, 0, tpi_path_str(&c->path), "%s",
			  msg);
}

static void
nomem(struct compiler *c)
{
	if (!c->oom)
		fault(c, TP_ENOMEM, "out of memory");
	c->oom = true;
}

/* ---- pcre2 allocation through the library's allocator ---- */

static void *
re_malloc(PCRE2_SIZE size, void *ud)
{
	(void)ud;
	return tpi_malloc(size);
}

static void
re_free(void *p, void *ud)
{
	(void)ud;
	tpi_free(p);
}

/* ---- names (labels and attributes the rule set refers to) ---- */

static bool
intern_name(struct compiler *c, const char *name, uint16_t *out)
{
	tp_ruleset *rs = c->rs;
	uint32_t idx;
	char *copy;

	if (tpi_strmap_get(&rs->name_ids, name, strlen(name), &idx)) {
		*out = (uint16_t)idx;
		return true;
	}
	if (rs->n_names >= 0xfffe) {
		fault(c, TP_ERANGE, "too many distinct names (at most 65534)");
		return false;
	}
	if (!TPI_GROW(rs->names, rs->cap_names, rs->n_names + 1) ||
	    !(copy = tpi_strdup(name))) {
		nomem(c);
		return false;
	}
	if (!tpi_strmap_put(&rs->name_ids, copy, strlen(copy),
			    (uint32_t)rs->n_names, NULL)) {
		tpi_free(copy);
		nomem(c);
		return false;
	}
	rs->names[rs->n_names] = copy;
	*out = (uint16_t)rs->n_names++;
	return true;
}

/* ---- string sets ---- */

static void
strset_fini(struct tpi_strset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tpi_free(s->items[i]);
	tpi_free(s->items);
	tpi_strmap_fini(&s->map);
}

/* Build a set from a JSON array of strings (lowercased: `in` ignores case
 * unless the condition is case-sensitive, in which case a separate
 * case-sensitive set is built). */
static bool
strset_build(struct compiler *c, const cJSON *arr, bool case_sensitive,
	     struct tpi_strset *out)
{
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;

	memset(out, 0, sizeof(*out));
	out->items = tpi_calloc(n ? n : 1, sizeof(char *));
	if (!out->items) {
		nomem(c);
		return false;
	}
	cJSON_ArrayForEach(it, arr) {
		char *s;
		size_t k, len;

		tpi_path_push_index(&c->path, i);
		if (!cJSON_IsString(it)) {
			fault(c, TP_ESCHEMA, "list items must be strings, not %s",
			      tpi_json_type_name(it));
			tpi_path_pop(&c->path);
			i++;
			continue;
		}
		tpi_path_pop(&c->path);
		i++;
		len = strlen(it->valuestring);
		s = tpi_strndup(it->valuestring, len);
		if (!s) {
			nomem(c);
			return false;
		}
		if (!case_sensitive)
			for (k = 0; k < len; k++)
				s[k] = tpi_lower(s[k]);
		out->items[out->n++] = s;
		if (!tpi_strmap_put(&out->map, s, len, 0, NULL)) {
			nomem(c);
			return false;
		}
	}
	return true;
}

static struct tpi_strset *
add_set(struct compiler *c, const char *name)
{
	tp_ruleset *rs = c->rs;
	size_t cap = rs->cap_sets;

	if (!TPI_GROW(rs->sets, rs->cap_sets, rs->n_sets + 1)) {
		nomem(c);
		return NULL;
	}
	if (rs->cap_sets != cap) {
		char **names = tpi_reallocarray(rs->set_names, rs->cap_sets,
						sizeof(char *));
		if (!names) {
			nomem(c);
			return NULL;
		}
		rs->set_names = names;
	}
	rs->set_names[rs->n_sets] = NULL;
	if (name && !(rs->set_names[rs->n_sets] = tpi_strdup(name))) {
		nomem(c);
		return NULL;
	}
	memset(&rs->sets[rs->n_sets], 0, sizeof(rs->sets[0]));
	return &rs->sets[rs->n_sets++];
}

/* ---- field references ---- */

static bool
resolve_field(struct compiler *c, const char *name, struct tpi_fref *out)
{
	tp_field f;
	tp_dimension d;

	memset(out, 0, sizeof(*out));
	if (!*name) {
		fault(c, TP_ESCHEMA, "field name is empty");
		return false;
	}
	if (tp_field_parse(name, &f) == TP_OK) {
		switch (f) {
		case TP_FIELD_CHANNEL:
			out->kind = TPI_FK_CHANNEL;
			return intern_name(c, "channel", &out->name);
		case TP_FIELD_TOUCHPOINT:
			out->kind = TPI_FK_TOUCHPOINT;
			return intern_name(c, "touchpoint", &out->name);
		case TP_FIELD_STAGE:
			out->kind = TPI_FK_STAGE;
			return intern_name(c, "stage", &out->name);
		case TP_FIELD_PHASE:
			out->kind = TPI_FK_DIMENSION;
			out->id = TP_DIMENSION_PHASE;
			return intern_name(c, "phase", &out->name);
		case TP_FIELD_CHANNEL_GROUP:
			out->kind = TPI_FK_NAMED;
			return intern_name(c, tp_field_name(f), &out->name);
		default:
			out->kind = TPI_FK_DERIVED;
			out->id = (uint8_t)f;
			return true;
		}
	}
	if (tp_dimension_parse(name, &d) == TP_OK) {
		out->kind = TPI_FK_DIMENSION;
		out->id = (uint8_t)d;
		return intern_name(c, tp_dimension_name(d), &out->name);
	}
	out->kind = TPI_FK_NAMED;
	return intern_name(c, name, &out->name);
}

/* ---- atoms ---- */

static const struct {
	const char *key;
	enum tpi_op op;
} operators[] = {
	{ "eq", TPI_OP_EQ }, { "ne", TPI_OP_NE }, { "in", TPI_OP_IN },
	{ "prefix", TPI_OP_PREFIX }, { "suffix", TPI_OP_SUFFIX },
	{ "contains", TPI_OP_CONTAINS }, { "regex", TPI_OP_REGEX },
	{ "exists", TPI_OP_EXISTS }, { "missing", TPI_OP_MISSING },
	{ "gt", TPI_OP_GT }, { "ge", TPI_OP_GE }, { "lt", TPI_OP_LT },
	{ "le", TPI_OP_LE }, { "host", TPI_OP_HOST },
};

static void
atom_fini(struct tpi_atom *a)
{
	size_t i;

	for (i = 0; i < a->n_strs; i++)
		tpi_free(a->strs[i]);
	tpi_free(a->strs);
	tpi_free(a->lens);
	if (a->re)
		pcre2_code_free(a->re);
}

/* A canonical text of an atom, to store identical atoms once. */
static char *
atom_key(const struct tpi_atom *a, size_t set_index)
{
	struct tpi_buf b = TPI_BUF_INIT;
	size_t i;

	tpi_buf_printf(&b, "%u|%u|%u|%u|%d|%d|%.17g|%zu", a->op, a->field.kind,
		       a->field.id, a->field.name, a->case_sensitive,
		       a->full_match, a->number, set_index);
	/* Each value with its length, so that no two lists read alike. */
	for (i = 0; i < a->n_strs; i++) {
		tpi_buf_printf(&b, "|%zu:", a->lens[i]);
		tpi_buf_append(&b, a->strs[i], a->lens[i]);
	}
	return tpi_buf_steal(&b, NULL);
}

static bool
add_strings(struct compiler *c, struct tpi_atom *a, const cJSON *v,
	    const char *opname)
{
	const cJSON *it;
	size_t n, i = 0;

	if (cJSON_IsString(v)) {
		n = 1;
	} else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) {
		n = (size_t)cJSON_GetArraySize(v);
	} else {
		fault(c, TP_ESCHEMA,
		      "\"%s\" takes a string or a non-empty array of strings, not %s",
		      opname, tpi_json_type_name(v));
		return false;
	}
	a->strs = tpi_calloc(n, sizeof(char *));
	a->lens = tpi_calloc(n, sizeof(size_t));
	if (!a->strs || !a->lens) {
		nomem(c);
		return false;
	}
	for (it = cJSON_IsString(v) ? v : v->child; it && i < n;
	     it = cJSON_IsString(v) ? NULL : it->next, i++) {
		size_t k, len;

		if (!cJSON_IsString(it)) {
			tpi_path_push_index(&c->path, i);
			fault(c, TP_ESCHEMA, "\"%s\" values must be strings, not %s",
			      opname, tpi_json_type_name(it));
			tpi_path_pop(&c->path);
			return false;
		}
		len = strlen(it->valuestring);
		a->strs[i] = tpi_strndup(it->valuestring, len);
		if (!a->strs[i]) {
			nomem(c);
			return false;
		}
		if (!a->case_sensitive)
			for (k = 0; k < len; k++)
				a->strs[i][k] = tpi_lower(a->strs[i][k]);
		a->lens[i] = len;
		a->n_strs = i + 1;
	}
	return true;
}

static bool
compile_regex(struct compiler *c, struct tpi_atom *a, const cJSON *v)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int errcode;
	PCRE2_SIZE erroff;

	if (!cJSON_IsString(v)) {
		fault(c, TP_ESCHEMA, "\"regex\" takes a string, not %s",
		      tpi_json_type_name(v));
		return false;
	}
	if (!a->case_sensitive)
		opts |= PCRE2_CASELESS;
	if (a->full_match)
		opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
	if (!c->gctx) {
		c->gctx = pcre2_general_context_create(re_malloc, re_free, NULL);
		c->cctx = c->gctx ? pcre2_compile_context_create(c->gctx) : NULL;
		if (!c->cctx) {
			nomem(c);
			return false;
		}
	}
	a->re = pcre2_compile((PCRE2_SPTR)v->valuestring, PCRE2_ZERO_TERMINATED,
			      opts, &errcode, &erroff, c->cctx);
	if (!a->re) {
		PCRE2_UCHAR msg[256];

		if (errcode == PCRE2_ERROR_NOMEMORY ||
		    errcode == PCRE2_ERROR_HEAP_FAILED) {
			nomem(c);
			return false;
		}
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		fault(c, TP_ESCHEMA, "invalid regular expression at offset %zu: %s",
		      (size_t)erroff, (const char *)msg);
		return false;
	}
	/* JIT where the platform has it; the interpreter otherwise. */
	{
		int jrc = pcre2_jit_compile(a->re, PCRE2_JIT_COMPLETE);

		if (jrc == PCRE2_ERROR_NOMEMORY) {
			nomem(c);
			return false;
		}
		a->jit = jrc == 0;
	}
	c->rs->uses_regex = true;
	/* Keep the pattern text for the dedupe key. */
	a->strs = tpi_calloc(1, sizeof(char *));
	a->lens = tpi_calloc(1, sizeof(size_t));
	if (!a->strs || !a->lens || !(a->strs[0] = tpi_strdup(v->valuestring))) {
		nomem(c);
		return false;
	}
	a->lens[0] = strlen(v->valuestring);
	a->n_strs = 1;
	return true;
}

/* Find or add a list set for `in`. */
static bool
resolve_in(struct compiler *c, struct tpi_atom *a, const cJSON *v,
	   size_t *set_index)
{
	tp_ruleset *rs = c->rs;
	struct tpi_strset *s;
	uint32_t idx;

	if (cJSON_IsString(v)) {
		if (!tpi_strmap_get(&rs->set_ids, v->valuestring,
				    strlen(v->valuestring), &idx)) {
			fault(c, TP_ENOTFOUND, "unknown list \"%s\"", v->valuestring);
			return false;
		}
		if (a->case_sensitive) {
			fault(c, TP_ESCHEMA,
			      "a named list is matched ignoring case; "
			      "use an inline array for a case-sensitive \"in\"");
			return false;
		}
		/* An index until compile_doc ends: rs->sets may still move. */
		a->set = (const struct tpi_strset *)(uintptr_t)idx;
		*set_index = idx + 1;
		return true;
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) {
		fault(c, TP_ESCHEMA,
		      "\"in\" takes a list name or a non-empty array of strings, not %s",
		      tpi_json_type_name(v));
		return false;
	}
	s = add_set(c, NULL);
	if (!s)
		return false;
	if (!strset_build(c, v, a->case_sensitive, s))
		return false;
	*set_index = rs->n_sets;   /* inline sets are unique */
	/* Set pointers move when rs->sets grows: remember the index. */
	a->set = (const struct tpi_strset *)(uintptr_t)(rs->n_sets - 1);
	a->n_strs = 0;
	return true;
}

static bool compile_node(struct compiler *c, const cJSON *j,
			 struct tpi_node *out, int depth);

static bool
compile_atom(struct compiler *c, const cJSON *j, struct tpi_node *out)
{
	struct tpi_atom a;
	const cJSON *field = NULL, *opv = NULL, *m;
	const char *opname = NULL;
	size_t set_index = 0, i;
	bool ok = true, inline_set = false;
	char *key;
	uint32_t idx;

	memset(&a, 0, sizeof(a));
	cJSON_ArrayForEach(m, j) {
		bool known = false;

		if (strcmp(m->string, "field") == 0) {
			field = m;
			continue;
		}
		if (strcmp(m->string, "case_sensitive") == 0) {
			tpi_path_push_key(&c->path, m->string);
			if (!cJSON_IsBool(m)) {
				fault(c, TP_ESCHEMA, "\"case_sensitive\" takes true or false");
				ok = false;
			}
			a.case_sensitive = cJSON_IsTrue(m);
			tpi_path_pop(&c->path);
			continue;
		}
		if (strcmp(m->string, "match") == 0) {
			tpi_path_push_key(&c->path, m->string);
			if (cJSON_IsString(m) && strcmp(m->valuestring, "full") == 0)
				a.full_match = true;
			else if (!cJSON_IsString(m) || strcmp(m->valuestring, "partial") != 0) {
				fault(c, TP_ESCHEMA, "\"match\" is \"full\" or \"partial\"");
				ok = false;
			}
			tpi_path_pop(&c->path);
			continue;
		}
		for (i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
			if (strcmp(m->string, operators[i].key) == 0) {
				known = true;
				if (opv) {
					tpi_path_push_key(&c->path, m->string);
					fault(c, TP_ESCHEMA,
					      "one operator per condition: \"%s\" and \"%s\" "
					      "(combine conditions with \"all\")",
					      opname, m->string);
					tpi_path_pop(&c->path);
					ok = false;
				} else {
					opv = m;
					opname = m->string;
					a.op = (uint8_t)operators[i].op;
				}
			}
		}
		if (!known) {
			tpi_path_push_key(&c->path, m->string);
			fault(c, TP_ESCHEMA, "unknown member \"%s\" in a condition",
			      m->string);
			tpi_path_pop(&c->path);
			ok = false;
		}
	}
	if (!field) {
		fault(c, TP_ESCHEMA, "condition has no \"field\"");
		return false;
	}
	if (!opv) {
		fault(c, TP_ESCHEMA,
		      "condition has no operator (eq, ne, in, prefix, suffix, "
		      "contains, regex, exists, missing, gt, ge, lt, le, host)");
		return false;
	}
	if (!ok)
		return false;
	tpi_path_push_key(&c->path, "field");
	if (!cJSON_IsString(field)) {
		fault(c, TP_ESCHEMA, "\"field\" takes a string, not %s",
		      tpi_json_type_name(field));
		tpi_path_pop(&c->path);
		return false;
	}
	ok = resolve_field(c, field->valuestring, &a.field);
	tpi_path_pop(&c->path);
	if (!ok)
		return false;
	if (a.full_match && a.op != TPI_OP_REGEX) {
		tpi_path_push_key(&c->path, "match");
		fault(c, TP_ESCHEMA, "\"match\" applies to \"regex\" only");
		tpi_path_pop(&c->path);
		return false;
	}
	tpi_path_push_key(&c->path, opname);
	switch (a.op) {
	case TPI_OP_EQ: case TPI_OP_NE: case TPI_OP_PREFIX:
	case TPI_OP_SUFFIX: case TPI_OP_CONTAINS: case TPI_OP_HOST:
		ok = add_strings(c, &a, opv, opname);
		break;
	case TPI_OP_IN:
		ok = resolve_in(c, &a, opv, &set_index);
		inline_set = ok && !cJSON_IsString(opv);
		break;
	case TPI_OP_REGEX:
		ok = compile_regex(c, &a, opv);
		break;
	case TPI_OP_EXISTS: case TPI_OP_MISSING:
		if (!cJSON_IsBool(opv)) {
			fault(c, TP_ESCHEMA, "\"%s\" takes true or false", opname);
			ok = false;
		} else if (cJSON_IsFalse(opv)) {
			a.op = a.op == TPI_OP_EXISTS ? TPI_OP_MISSING : TPI_OP_EXISTS;
		}
		break;
	default:
		if (!cJSON_IsNumber(opv) || !isfinite(opv->valuedouble)) {
			fault(c, TP_ESCHEMA, "\"%s\" takes a number, not %s", opname,
			      tpi_json_type_name(opv));
			ok = false;
		}
		a.number = opv->valuedouble;
		break;
	}
	tpi_path_pop(&c->path);
	if (!ok) {
		atom_fini(&a);
		return false;
	}
	key = atom_key(&a, set_index);
	if (!key) {
		atom_fini(&a);
		nomem(c);
		return false;
	}
	if (!inline_set && tpi_strmap_get(&c->rs->atom_keys, key, strlen(key), &idx)) {
		tpi_free(key);
		atom_fini(&a);
		out->type = TPI_N_ATOM;
		out->atom = idx;
		return true;
	}
	if (!TPI_GROW(c->rs->atoms, c->rs->cap_atoms, c->rs->n_atoms + 1) ||
	    !TPI_GROW(c->rs->atom_key_strs, c->rs->cap_atom_keys,
		      c->rs->n_atoms + 1)) {
		tpi_free(key);
		atom_fini(&a);
		nomem(c);
		return false;
	}
	c->rs->atom_key_strs[c->rs->n_atoms] = key;
	if (!tpi_strmap_put(&c->rs->atom_keys, key, strlen(key),
			    (uint32_t)c->rs->n_atoms, NULL)) {
		tpi_free(key);
		atom_fini(&a);
		nomem(c);
		return false;
	}
	c->rs->atoms[c->rs->n_atoms] = a;
	out->type = TPI_N_ATOM;
	out->atom = (uint32_t)c->rs->n_atoms++;
	return true;
}

static bool
compile_list_node(struct compiler *c, const cJSON *arr, const char *name,
		  struct tpi_node *out, int depth)
{
	const cJSON *it;
	size_t n, i = 0;
	bool ok = true;

	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
		fault(c, TP_ESCHEMA, "\"%s\" takes a non-empty array of conditions",
		      name);
		return false;
	}
	n = (size_t)cJSON_GetArraySize(arr);
	out->kids = tpi_calloc(n, sizeof(struct tpi_node));
	if (!out->kids) {
		nomem(c);
		return false;
	}
	out->n_kids = n;
	cJSON_ArrayForEach(it, arr) {
		tpi_path_push_index(&c->path, i);
		if (!compile_node(c, it, &out->kids[i], depth + 1))
			ok = false;
		tpi_path_pop(&c->path);
		i++;
		if (c->oom)
			return false;
	}
	return ok;
}

static bool
compile_node(struct compiler *c, const cJSON *j, struct tpi_node *out,
	     int depth)
{
	const cJSON *m;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (depth > MAX_DEPTH) {
		fault(c, TP_ERANGE, "conditions nested deeper than %d levels",
		      MAX_DEPTH);
		return false;
	}
	if (!cJSON_IsObject(j)) {
		fault(c, TP_ESCHEMA, "a condition is an object, not %s",
		      tpi_json_type_name(j));
		return false;
	}
	if (cJSON_GetArraySize(j) == 1 &&
	    (strcmp(j->child->string, "all") == 0 ||
	     strcmp(j->child->string, "any") == 0)) {
		m = j->child;
		out->type = m->string[1] == 'l' ? TPI_N_ALL : TPI_N_ANY;
		tpi_path_push_key(&c->path, m->string);
		ok = compile_list_node(c, m, m->string, out, depth);
		tpi_path_pop(&c->path);
		return ok;
	}
	if (cJSON_GetArraySize(j) == 1 && strcmp(j->child->string, "not") == 0) {
		out->type = TPI_N_NOT;
		out->kids = tpi_calloc(1, sizeof(struct tpi_node));
		if (!out->kids) {
			nomem(c);
			return false;
		}
		out->n_kids = 1;
		tpi_path_push_key(&c->path, "not");
		ok = compile_node(c, j->child, out->kids, depth + 1);
		tpi_path_pop(&c->path);
		return ok;
	}
	cJSON_ArrayForEach(m, j) {
		if (strcmp(m->string, "all") == 0 || strcmp(m->string, "any") == 0 ||
		    strcmp(m->string, "not") == 0) {
			tpi_path_push_key(&c->path, m->string);
			fault(c, TP_ESCHEMA,
			      "\"%s\" must be the only member of its condition",
			      m->string);
			tpi_path_pop(&c->path);
			return false;
		}
	}
	return compile_atom(c, j, out);
}

/* ---- outputs ---- */

static const char *const derived_names_refused[] = {
	"customer_id", "timestamp", "event", "source", "medium", "campaign",
	"content", "term", "url", "url_host", "url_path", "referrer",
	"referrer_host", "referrer_medium", "referrer_source", "referrer_term",
	"referrer_known", "rule", "value", "score",
};

static bool
compile_set(struct compiler *c, const cJSON *j, struct tpi_outputs *out)
{
	const tp_catalog *cat = c->rs->catalog;
	const cJSON *m;
	size_t n_labels = 0, i;
	bool ok = true;

	out->channel = out->touchpoint = out->stage = -1;
	memset(out->dims, 0xff, sizeof(out->dims));
	if (!cJSON_IsObject(j)) {
		fault(c, TP_ESCHEMA, "\"set\" is an object, not %s",
		      tpi_json_type_name(j));
		return false;
	}
	out->labels = tpi_calloc((size_t)cJSON_GetArraySize(j) + 1,
				 sizeof(struct tpi_label_set));
	if (!out->labels) {
		nomem(c);
		return false;
	}
	cJSON_ArrayForEach(m, j) {
		tp_dimension d;
		int idx;

		tpi_path_push_key(&c->path, m->string);
		if (!cJSON_IsString(m)) {
			fault(c, TP_ESCHEMA, "\"%s\" takes a string, not %s", m->string,
			      tpi_json_type_name(m));
			ok = false;
			goto next;
		}
		if (strcmp(m->string, "channel") == 0) {
			idx = tp_catalog_find_channel(cat, m->valuestring);
			if (idx < 0) {
				fault(c, TP_ENOTFOUND, "unknown channel \"%s\"",
				      m->valuestring);
				ok = false;
			}
			out->channel = idx;
		} else if (strcmp(m->string, "touchpoint") == 0) {
			idx = tp_catalog_find_touchpoint(cat, m->valuestring);
			if (idx < 0) {
				fault(c, TP_ENOTFOUND, "unknown touchpoint \"%s\"",
				      m->valuestring);
				ok = false;
			}
			out->touchpoint = idx;
		} else if (strcmp(m->string, "stage") == 0) {
			idx = tp_catalog_find_stage(cat, m->valuestring);
			if (idx < 0) {
				fault(c, TP_ENOTFOUND, "unknown stage \"%s\"",
				      m->valuestring);
				ok = false;
			}
			out->stage = idx;
		} else if (tp_dimension_parse(m->string, &d) == TP_OK) {
			int v;

			if (tp_dimension_value_parse(d, m->valuestring, &v) != TP_OK) {
				fault(c, TP_ESCHEMA, "\"%s\" is not a value of %s",
				      m->valuestring, tp_dimension_name(d));
				ok = false;
			} else {
				out->dims[d] = (uint8_t)v;
			}
		} else {
			struct tpi_label_set *l = &out->labels[n_labels];

			for (i = 0; i < sizeof(derived_names_refused) /
				     sizeof(derived_names_refused[0]); i++) {
				if (tpi_strcaseeq(m->string, derived_names_refused[i])) {
					fault(c, TP_ESCHEMA,
					      "\"%s\" is derived from the event and cannot be set",
					      m->string);
					ok = false;
					goto next;
				}
			}
			if (!*m->string) {
				fault(c, TP_ESCHEMA, "label name is empty");
				ok = false;
				goto next;
			}
			if (!intern_name(c, m->string, &l->name))
				goto next;
			l->len = strlen(m->valuestring);
			l->value = tpi_strndup(m->valuestring, l->len);
			if (!l->value) {
				nomem(c);
				tpi_path_pop(&c->path);
				return false;
			}
			out->n_labels = ++n_labels;
		}
next:
		tpi_path_pop(&c->path);
		if (c->oom)
			return false;
	}
	out->n_labels = n_labels;
	return ok;
}

/* ---- top level ---- */

static const char *
string_member(struct compiler *c, const cJSON *obj, const char *key,
	      bool required)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!m) {
		if (required)
			fault(c, TP_ESCHEMA, "missing member \"%s\"", key);
		return NULL;
	}
	if (!cJSON_IsString(m) || !*m->valuestring) {
		tpi_path_push_key(&c->path, key);
		fault(c, TP_ESCHEMA, "\"%s\" takes a non-empty string", key);
		tpi_path_pop(&c->path);
		return NULL;
	}
	return m->valuestring;
}

static void
unknown_members(struct compiler *c, const cJSON *obj,
		const char *const *allowed, const char *what)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, obj) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (strcmp(*a, m->string) == 0)
				break;
		if (!*a) {
			tpi_path_push_key(&c->path, m->string);
			fault(c, TP_ESCHEMA, "unknown member \"%s\" in %s", m->string,
			      what);
			tpi_path_pop(&c->path);
		}
	}
}

static void
compile_rule(struct compiler *c, const cJSON *j, struct tpi_rule *r)
{
	static const char *const allowed[] = { "name", "description", "when", "set", NULL };
	const cJSON *when, *set;
	const char *name;

	r->when.type = TPI_N_TRUE;
	r->set.channel = r->set.touchpoint = r->set.stage = -1;
	memset(r->set.dims, 0xff, sizeof(r->set.dims));
	if (!cJSON_IsObject(j)) {
		fault(c, TP_ESCHEMA, "a rule is an object, not %s",
		      tpi_json_type_name(j));
		return;
	}
	name = string_member(c, j, "name", true);
	r->name = tpi_strdup(name ? name : "?");
	if (!r->name) {
		nomem(c);
		return;
	}
	c->rule = r->name;
	unknown_members(c, j, allowed, "a rule");
	when = cJSON_GetObjectItemCaseSensitive(j, "when");
	if (when) {
		tpi_path_push_key(&c->path, "when");
		compile_node(c, when, &r->when, 0);
		tpi_path_pop(&c->path);
	}
	set = cJSON_GetObjectItemCaseSensitive(j, "set");
	if (!set) {
		fault(c, TP_ESCHEMA, "missing member \"set\"");
	} else {
		tpi_path_push_key(&c->path, "set");
		compile_set(c, set, &r->set);
		tpi_path_pop(&c->path);
	}
	c->rule = NULL;
}

static void
compile_group(struct compiler *c, const cJSON *j, struct tpi_group *g)
{
	static const char *const allowed[] = { "name", "description", "rules", NULL };
	const cJSON *rules, *it;
	const char *name;
	size_t i = 0, n;

	if (!cJSON_IsObject(j)) {
		fault(c, TP_ESCHEMA, "a group is an object, not %s",
		      tpi_json_type_name(j));
		return;
	}
	name = string_member(c, j, "name", true);
	g->name = tpi_strdup(name ? name : "?");
	if (!g->name) {
		nomem(c);
		return;
	}
	unknown_members(c, j, allowed, "a group");
	rules = cJSON_GetObjectItemCaseSensitive(j, "rules");
	if (!rules) {
		fault(c, TP_ESCHEMA, "missing member \"rules\"");
		return;
	}
	tpi_path_push_key(&c->path, "rules");
	if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0) {
		fault(c, TP_ESCHEMA, "\"rules\" takes a non-empty array");
		tpi_path_pop(&c->path);
		return;
	}
	n = (size_t)cJSON_GetArraySize(rules);
	g->rules = tpi_calloc(n, sizeof(struct tpi_rule));
	if (!g->rules) {
		nomem(c);
		tpi_path_pop(&c->path);
		return;
	}
	g->n_rules = n;
	cJSON_ArrayForEach(it, rules) {
		tpi_path_push_index(&c->path, i);
		compile_rule(c, it, &g->rules[i]);
		tpi_path_pop(&c->path);
		i++;
		c->rs->n_rules++;
		if (c->oom)
			break;
	}
	tpi_path_pop(&c->path);
}

static void
compile_lists(struct compiler *c, const cJSON *lists)
{
	const cJSON *m;

	if (!cJSON_IsObject(lists)) {
		fault(c, TP_ESCHEMA, "\"lists\" is an object of arrays, not %s",
		      tpi_json_type_name(lists));
		return;
	}
	cJSON_ArrayForEach(m, lists) {
		struct tpi_strset *s;

		tpi_path_push_key(&c->path, m->string);
		if (!cJSON_IsArray(m)) {
			fault(c, TP_ESCHEMA, "list \"%s\" is an array of strings, not %s",
			      m->string, tpi_json_type_name(m));
			tpi_path_pop(&c->path);
			continue;
		}
		s = add_set(c, m->string);
		if (!s || !strset_build(c, m, false, s)) {
			tpi_path_pop(&c->path);
			return;
		}
		if (!tpi_strmap_put(&c->rs->set_ids, c->rs->set_names[c->rs->n_sets - 1],
				    strlen(m->string), (uint32_t)(c->rs->n_sets - 1),
				    NULL)) {
			nomem(c);
			tpi_path_pop(&c->path);
			return;
		}
		tpi_path_pop(&c->path);
	}
}

static void
node_fini(struct tpi_node *n)
{
	size_t i;

	for (i = 0; i < n->n_kids; i++)
		node_fini(&n->kids[i]);
	tpi_free(n->kids);
}

static void
ruleset_destroy(tp_ruleset *rs)
{
	size_t i, k;

	for (i = 0; i < rs->n_groups; i++) {
		struct tpi_group *g = &rs->groups[i];

		for (k = 0; k < g->n_rules; k++) {
			struct tpi_rule *r = &g->rules[k];
			size_t l;

			tpi_free(r->name);
			node_fini(&r->when);
			for (l = 0; l < r->set.n_labels; l++)
				tpi_free(r->set.labels[l].value);
			tpi_free(r->set.labels);
		}
		tpi_free(g->rules);
		tpi_free(g->name);
		tpi_free(g->deps);
		tpi_group_index_free(g->index);
	}
	tpi_free(rs->groups);
	for (i = 0; i < rs->n_atoms; i++) {
		atom_fini(&rs->atoms[i]);
		tpi_free(rs->atom_key_strs[i]);
	}
	tpi_free(rs->atoms);
	tpi_free(rs->atom_key_strs);
	tpi_strmap_fini(&rs->atom_keys);
	for (i = 0; i < rs->n_names; i++)
		tpi_free(rs->names[i]);
	tpi_free(rs->names);
	tpi_strmap_fini(&rs->name_ids);
	for (i = 0; i < rs->n_sets; i++) {
		strset_fini(&rs->sets[i]);
		tpi_free(rs->set_names[i]);
	}
	tpi_free(rs->sets);
	tpi_free(rs->set_names);
	tpi_strmap_fini(&rs->set_ids);
	tpi_free(rs->name);
	if (rs->catalog)
		tp_catalog_free(rs->catalog);
	tpi_free(rs);
}

static size_t
node_memory(const struct tpi_node *n)
{
	size_t i, m = n->n_kids * sizeof(struct tpi_node);

	for (i = 0; i < n->n_kids; i++)
		m += node_memory(&n->kids[i]);
	return m;
}

static size_t
strmap_memory(const struct tpi_strmap *m)
{
	return m->slots ? (m->mask + 1) * sizeof(m->slots[0]) : 0;
}

static size_t
ruleset_memory(const tp_ruleset *rs)
{
	size_t m = sizeof(*rs), i, k;

	m += rs->n_groups * sizeof(struct tpi_group);
	for (i = 0; i < rs->n_groups; i++) {
		const struct tpi_group *g = &rs->groups[i];

		m += strlen(g->name) + 1 + g->n_rules * sizeof(struct tpi_rule);
		m += TPI_GCACHE_MAX_DEPS * sizeof(struct tpi_fref);
		m += tpi_group_index_memory(g->index);
		for (k = 0; k < g->n_rules; k++) {
			const struct tpi_rule *r = &g->rules[k];
			size_t l;

			m += strlen(r->name) + 1 + node_memory(&r->when);
			m += (r->set.n_labels + 1) * sizeof(struct tpi_label_set);
			for (l = 0; l < r->set.n_labels; l++)
				m += r->set.labels[l].len + 1;
		}
	}
	m += rs->cap_atoms * sizeof(struct tpi_atom) + strmap_memory(&rs->atom_keys);
	for (i = 0; i < rs->n_atoms; i++) {
		const struct tpi_atom *a = &rs->atoms[i];

		m += strlen(rs->atom_key_strs[i]) + 1 + sizeof(char *);
		m += a->n_strs * (sizeof(char *) + sizeof(size_t));
		for (k = 0; k < a->n_strs; k++)
			m += a->lens[k] + 1;
		if (a->re) {
			size_t sz = 0;

			if (pcre2_pattern_info(a->re, PCRE2_INFO_SIZE, &sz) == 0)
				m += sz;
			if (pcre2_pattern_info(a->re, PCRE2_INFO_JITSIZE, &sz) == 0)
				m += sz;
		}
	}
	for (i = 0; i < rs->n_names; i++)
		m += strlen(rs->names[i]) + 1 + sizeof(char *);
	m += strmap_memory(&rs->name_ids) + strmap_memory(&rs->set_ids);
	for (i = 0; i < rs->n_sets; i++) {
		const struct tpi_strset *s = &rs->sets[i];

		m += sizeof(*s) + sizeof(char *) + strmap_memory(&s->map);
		for (k = 0; k < s->n; k++)
			m += strlen(s->items[k]) + 1 + sizeof(char *);
		if (rs->set_names[i])
			m += strlen(rs->set_names[i]) + 1;
	}
	return m;
}

static bool
same_fref(const struct tpi_fref *a, const struct tpi_fref *b)
{
	return a->kind == b->kind && a->id == b->id && a->name == b->name;
}

/* Add the fields read by node n, and the atoms that read them, to
 * g->deps (at most TPI_GCACHE_MAX_DEPS; past that the group is not
 * cached: n_deps = SIZE_MAX). */
static void
node_deps(const tp_ruleset *rs, const struct tpi_node *n, struct tpi_group *g)
{
	struct tpi_dep *d = NULL;
	size_t i;

	if (g->n_deps == SIZE_MAX)
		return;
	if (n->type == TPI_N_ATOM) {
		const struct tpi_atom *a = &rs->atoms[n->atom];
		bool presence = a->op == TPI_OP_EXISTS || a->op == TPI_OP_MISSING;

		for (i = 0; i < g->n_deps && !d; i++)
			if (same_fref(&g->deps[i].field, &a->field))
				d = &g->deps[i];
		if (!d) {
			if (g->n_deps == TPI_GCACHE_MAX_DEPS) {
				g->n_deps = SIZE_MAX;
				return;
			}
			d = &g->deps[g->n_deps++];
			d->field = a->field;
			d->presence_only = true;
		}
		d->presence_only &= presence;
		for (i = 0; i < d->n_atoms && i < TPI_DEP_MAX_ATOMS; i++)
			if (d->atoms[i] == n->atom)
				return;
		if (d->n_atoms < TPI_DEP_MAX_ATOMS)
			d->atoms[d->n_atoms] = n->atom;
		if (d->n_atoms <= TPI_DEP_MAX_ATOMS)
			d->n_atoms++;
		return;
	}
	for (i = 0; i < n->n_kids; i++)
		node_deps(rs, &n->kids[i], g);
}

/*
 * Whether a field usually takes many distinct values: whole urls and
 * referrers (with their query strings), search terms, ids, times,
 * amounts, and any attribute the library does not know. Keying a group
 * on the truth values of the few atoms that read such a field keeps its
 * cache useful; the other derived fields (source, medium, hosts, paths)
 * and the outputs take few values and are cheaper to key by value than
 * to test (a campaign regex on every event).
 */
static bool
many_values(const struct tpi_fref *f)
{
	if (f->kind == TPI_FK_NAMED)
		return true;
	if (f->kind != TPI_FK_DERIVED)
		return false;
	switch (f->id) {
	case TP_FIELD_CUSTOMER_ID:
	case TP_FIELD_TIMESTAMP:
	case TP_FIELD_URL:
	case TP_FIELD_REFERRER:
	case TP_FIELD_TERM:
	case TP_FIELD_REFERRER_TERM:
	case TP_FIELD_VALUE:
	case TP_FIELD_SCORE:
		return true;
	default:
		return false;
	}
}

static void
collect_deps(struct compiler *c)
{
	tp_ruleset *rs = c->rs;
	size_t i, k;

	for (i = 0; i < rs->n_groups; i++) {
		struct tpi_group *g = &rs->groups[i];

		g->deps = tpi_calloc(TPI_GCACHE_MAX_DEPS, sizeof(*g->deps));
		if (!g->deps) {
			nomem(c);
			return;
		}
		for (k = 0; k < g->n_rules; k++)
			node_deps(rs, &g->rules[k].when, g);
		for (k = 0; g->n_deps != SIZE_MAX && k < g->n_deps; k++) {
			struct tpi_dep *d = &g->deps[k];

			d->key = d->presence_only ? TPI_DEP_PRESENCE :
				 d->n_atoms <= TPI_DEP_MAX_ATOMS &&
				 many_values(&d->field) ? TPI_DEP_ATOMS :
				 TPI_DEP_VALUE;
		}
		if (!tpi_group_index_build(rs, g)) {
			nomem(c);
			return;
		}
		g->cache_sets = g->index ? TPI_GCACHE_SETS_LARGE : TPI_GCACHE_SETS;
		g->cache_off = (uint32_t)rs->cache_entries;
		rs->cache_entries += 2 * (size_t)g->cache_sets;
	}
}

static tp_status
compile_doc(struct compiler *c, const cJSON *root)
{
	static const char *const allowed[] = { "name", "description", "lists", "groups", "$schema", NULL };
	tp_ruleset *rs = c->rs;
	const cJSON *groups, *lists, *it;
	const char *name;
	size_t i = 0, n;

	if (!cJSON_IsObject(root)) {
		fault(c, TP_ESCHEMA, "a rule set is a JSON object, not %s",
		      tpi_json_type_name(root));
		return c->first;
	}
	unknown_members(c, root, allowed, "a rule set");
	name = string_member(c, root, "name", false);
	rs->name = tpi_strdup(name ? name : (c->source ? c->source : "<string>"));
	if (!rs->name) {
		nomem(c);
		return TP_ENOMEM;
	}
	lists = cJSON_GetObjectItemCaseSensitive(root, "lists");
	if (lists) {
		tpi_path_push_key(&c->path, "lists");
		compile_lists(c, lists);
		tpi_path_pop(&c->path);
	}
	groups = cJSON_GetObjectItemCaseSensitive(root, "groups");
	if (!groups) {
		fault(c, TP_ESCHEMA, "missing member \"groups\"");
		return c->first;
	}
	tpi_path_push_key(&c->path, "groups");
	if (!cJSON_IsArray(groups) || cJSON_GetArraySize(groups) == 0) {
		fault(c, TP_ESCHEMA, "\"groups\" takes a non-empty array");
		tpi_path_pop(&c->path);
		return c->first;
	}
	n = (size_t)cJSON_GetArraySize(groups);
	rs->groups = tpi_calloc(n, sizeof(struct tpi_group));
	if (!rs->groups) {
		nomem(c);
		tpi_path_pop(&c->path);
		return TP_ENOMEM;
	}
	rs->n_groups = n;
	cJSON_ArrayForEach(it, groups) {
		tpi_path_push_index(&c->path, i++);
		compile_group(c, it, &rs->groups[i - 1]);
		tpi_path_pop(&c->path);
		if (c->oom)
			break;
	}
	tpi_path_pop(&c->path);
	/* `in` sets were recorded by index while rs->sets grew. */
	for (i = 0; i < rs->n_atoms; i++) {
		struct tpi_atom *a = &rs->atoms[i];

		if (a->op == TPI_OP_IN)
			a->set = &rs->sets[(uintptr_t)a->set];
	}
	if (!c->oom && !c->first)
		collect_deps(c);
	if (c->path.buf.failed)
		nomem(c);
	return c->oom ? TP_ENOMEM : c->first;
}

TP_EXPORT tp_status
tp_ruleset_compile_string(const tp_catalog *catalog, const char *text,
			  size_t len, const char *source, tp_ruleset **out,
			  tp_error *err)
{
	struct compiler c;
	size_t first = tp_error_count(err);
	cJSON *root = NULL;
	tp_ruleset *rs;
	tp_status st;

	if (!catalog || !text || !out)
		return TP_EINVAL;
	*out = NULL;
	if (!source)
		source = "<string>";
	st = tpi_json_parse(text, len, source, &root, err);
	if (st)
		return st;
	rs = tpi_calloc(1, sizeof(*rs));
	if (!rs) {
		cJSON_Delete(root);
		return tpi_error(err, TP_ENOMEM, source, 0, 0, NULL, "out of memory");
	}
	atomic_init(&rs->refs, 1);
	rs->catalog = tpi_catalog_ref(catalog);
	memset(&c, 0, sizeof(c));
	c.rs = rs;
	c.err = err;
	c.source = source;
	tpi_path_init(&c.path);
	st = compile_doc(&c, root);
	/*
	 * Inline sets whose atom failed to compile keep an index instead of
	 * a pointer; they are never evaluated (the rule set is discarded),
	 * and ruleset_destroy does not follow atom->set.
	 */
	tpi_path_fini(&c.path);
	if (c.cctx)
		pcre2_compile_context_free(c.cctx);
	if (c.gctx)
		pcre2_general_context_free(c.gctx);
	cJSON_Delete(root);
	tpi_json_locate_errors(err, first, text, len, source);
	if (st) {
		ruleset_destroy(rs);
		return st;
	}
	rs->memory = ruleset_memory(rs);
	*out = rs;
	return TP_OK;
}

TP_EXPORT tp_status
tp_ruleset_compile_file(const tp_catalog *catalog, const char *path,
			tp_ruleset **out, tp_error *err)
{
	char *text;
	size_t len;
	tp_status st;

	if (!catalog || !path || !out)
		return TP_EINVAL;
	*out = NULL;
	st = tpi_read_file(path, &text, &len, err);
	if (st)
		return st;
	st = tp_ruleset_compile_string(catalog, text, len, path, out, err);
	tpi_free(text);
	return st;
}

tp_ruleset *
tpi_ruleset_ref(const tp_ruleset *rs)
{
	tp_ruleset *r = (tp_ruleset *)rs;

	atomic_fetch_add_explicit(&r->refs, 1, memory_order_relaxed);
	return r;
}

TP_EXPORT void
tp_ruleset_free(tp_ruleset *ruleset)
{
	if (!ruleset)
		return;
	if (atomic_fetch_sub_explicit(&ruleset->refs, 1,
				      memory_order_acq_rel) == 1)
		ruleset_destroy(ruleset);
}

TP_EXPORT const char *
tp_ruleset_name(const tp_ruleset *ruleset)
{
	return ruleset ? ruleset->name : NULL;
}

TP_EXPORT size_t
tp_ruleset_rule_count(const tp_ruleset *ruleset)
{
	return ruleset ? ruleset->n_rules : 0;
}

TP_EXPORT size_t
tp_ruleset_memory(const tp_ruleset *ruleset)
{
	return ruleset ? ruleset->memory : 0;
}
