/* SPDX-License-Identifier: MIT */
/* The subcommands of touchpoint; each is `int tp_cmd_NAME(argc, argv)`. */
#ifndef TP_COMMANDS_H
#define TP_COMMANDS_H

int tp_cmd_version(int argc, char **argv);
int tp_cmd_attribute(int argc, char **argv);
int tp_cmd_catalog(int argc, char **argv);
int tp_cmd_classify(int argc, char **argv);
int tp_cmd_funnel(int argc, char **argv);
int tp_cmd_journeys(int argc, char **argv);
int tp_cmd_matrix(int argc, char **argv);
int tp_cmd_merge(int argc, char **argv);
int tp_cmd_report(int argc, char **argv);
int tp_cmd_rules(int argc, char **argv);

#endif
