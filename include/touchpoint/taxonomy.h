/*
 * libtouchpoint - customer touchpoints, channels, funnels and attribution.
 * SPDX-License-Identifier: MIT
 */
/**
 * @file taxonomy.h
 * @brief The dimensions that describe a touchpoint, each a typed enum.
 *
 * A touchpoint is a moment of contact between a customer and the brand; the
 * channel is the medium it happens on (see docs/concepts.md). Each
 * dimension below is an enum whose value 0 means "unknown": a catalog or a
 * rule may leave any dimension unsaid. Values are explicit, fixed forever
 * and only ever appended.
 *
 * Every value has a stable lowercase name (`digital`, `brand`,
 * `pre_purchase`...) used in JSON, on the command line and by the
 * bindings; tp_dimension_value_name() and tp_dimension_value_parse()
 * convert both ways, so a binding reads the names from the library rather
 * than keeping copies.
 */
#ifndef TOUCHPOINT_TAXONOMY_H
#define TOUCHPOINT_TAXONOMY_H

#include <touchpoint/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Whether a channel is digital or physical. Name: `kind`. */
typedef enum tp_channel_kind {
	TP_CHANNEL_KIND_UNKNOWN = 0,  /**< `unknown` */
	TP_CHANNEL_KIND_DIGITAL = 1,  /**< `digital`: web, apps, e-mail, social... */
	TP_CHANNEL_KIND_PHYSICAL = 2  /**< `physical`: stores, events, print, phone... */
} tp_channel_kind;

/** Who starts the contact (the touchpoint's nature). Name: `initiator`. */
typedef enum tp_initiator {
	TP_INITIATOR_UNKNOWN = 0,   /**< `unknown` */
	TP_INITIATOR_CUSTOMER = 1,  /**< `customer`: active, the customer seeks the brand */
	TP_INITIATOR_BRAND = 2      /**< `brand`: passive, the brand reaches the customer */
} tp_initiator;

/** Whether the contact is made for one customer. Name: `personalization`. */
typedef enum tp_personalization {
	TP_PERSONALIZATION_UNKNOWN = 0,       /**< `unknown` */
	TP_PERSONALIZATION_PERSONALIZED = 1,  /**< `personalized` */
	TP_PERSONALIZATION_MASS = 2           /**< `mass` */
} tp_personalization;

/** Whether the brand anticipates or answers. Name: `intent`. */
typedef enum tp_intent {
	TP_INTENT_UNKNOWN = 0,    /**< `unknown` */
	TP_INTENT_PROACTIVE = 1,  /**< `proactive`: the brand anticipates a need */
	TP_INTENT_REACTIVE = 2    /**< `reactive`: the brand answers a customer's action */
} tp_intent;

/** Whether the brand plans and controls the contact. Name: `control`. */
typedef enum tp_control {
	TP_CONTROL_UNKNOWN = 0,        /**< `unknown` */
	TP_CONTROL_INTENTIONAL = 1,    /**< `intentional`: planned, such as ads */
	TP_CONTROL_UNINTENTIONAL = 2   /**< `unintentional`: word of mouth, spontaneous comments */
} tp_control;

/** Who acts for the brand. Name: `agent`. */
typedef enum tp_agent {
	TP_AGENT_UNKNOWN = 0,  /**< `unknown` */
	TP_AGENT_HUMAN = 1,    /**< `human` */
	TP_AGENT_MACHINE = 2   /**< `machine`: chatbot, automatic e-mail */
} tp_agent;

/** The phase of the purchase cycle. Name: `phase`. */
typedef enum tp_phase {
	TP_PHASE_UNKNOWN = 0,        /**< `unknown` */
	TP_PHASE_PRE_PURCHASE = 1,   /**< `pre_purchase` */
	TP_PHASE_PURCHASE = 2,       /**< `purchase` */
	TP_PHASE_POST_PURCHASE = 3   /**< `post_purchase` */
} tp_phase;

/** Whom the business sells to. Name: `business_model`. */
typedef enum tp_business_model {
	TP_BUSINESS_MODEL_UNKNOWN = 0,  /**< `unknown` */
	TP_BUSINESS_MODEL_B2B = 1,      /**< `b2b` */
	TP_BUSINESS_MODEL_B2C = 2       /**< `b2c` */
} tp_business_model;

/** The dimensions themselves, to address any of them generically. */
typedef enum tp_dimension {
	TP_DIMENSION_NONE = 0,             /**< Not a dimension. */
	TP_DIMENSION_KIND = 1,             /**< ::tp_channel_kind, name `kind` */
	TP_DIMENSION_INITIATOR = 2,        /**< ::tp_initiator, name `initiator` */
	TP_DIMENSION_PERSONALIZATION = 3,  /**< ::tp_personalization, name `personalization` */
	TP_DIMENSION_INTENT = 4,           /**< ::tp_intent, name `intent` */
	TP_DIMENSION_CONTROL = 5,          /**< ::tp_control, name `control` */
	TP_DIMENSION_AGENT = 6,            /**< ::tp_agent, name `agent` */
	TP_DIMENSION_PHASE = 7,            /**< ::tp_phase, name `phase` */
	TP_DIMENSION_BUSINESS_MODEL = 8    /**< ::tp_business_model, name `business_model` */
} tp_dimension;

/** The highest ::tp_dimension value of this version of the headers. */
#define TP_DIMENSION_LAST TP_DIMENSION_BUSINESS_MODEL

/**
 * How many dimensions the loaded library knows.
 *
 * @return The highest valid ::tp_dimension value; dimensions are numbered
 *         1 to this value.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
int tp_dimension_count(void);

/**
 * The stable name of a dimension, such as "initiator".
 *
 * @param dimension A dimension.
 * @return A static string, or NULL for an unknown dimension.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_dimension_name(tp_dimension dimension);

/**
 * Find a dimension by name, ignoring ASCII case.
 *
 * @param name A name such as "phase"; NULL is refused.
 * @param[out] out The dimension, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND for an unknown name, #TP_EINVAL for NULL
 *         arguments.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_dimension_parse(const char *name, tp_dimension *out);

/**
 * How many values a dimension has, counting "unknown" (value 0).
 *
 * @param dimension A dimension.
 * @return The count (values are 0 to count - 1), or 0 for an unknown
 *         dimension.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
int tp_dimension_value_count(tp_dimension dimension);

/**
 * The stable lowercase name of a dimension's value, such as "post_purchase"
 * for (#TP_DIMENSION_PHASE, #TP_PHASE_POST_PURCHASE).
 *
 * @param dimension A dimension.
 * @param value One of its values, 0 ("unknown") included.
 * @return A static string, or NULL when the pair is out of range.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
const char *tp_dimension_value_name(tp_dimension dimension, int value);

/**
 * Find a dimension's value by name, ignoring ASCII case. "unknown" gives 0.
 *
 * @param dimension A dimension.
 * @param name A value name such as "b2b"; NULL is refused.
 * @param[out] out The value, set only on success.
 * @return #TP_OK, #TP_ENOTFOUND for a name the dimension does not have,
 *         #TP_EINVAL for an unknown dimension or NULL arguments.
 * @since 1.0
 * Thread-safety: safe to call from any thread.
 */
tp_status tp_dimension_value_parse(tp_dimension dimension, const char *name,
				   int *out);

#ifdef __cplusplus
}
#endif

#endif /* TOUCHPOINT_TAXONOMY_H */
