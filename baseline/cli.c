/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <sel4ft/error.h>

#include "cli.h"

const char *baseline_role = "sel4ft-baseline";

void baseline_die(const char *format, ...)
{
    char text[512];
    va_list args;

    va_start(args, format);
    vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    fprintf(stderr, "sel4ft-baseline: %s: %s\n", baseline_role, text);
    exit(2);
}

int baseline_check(int err, const char *what)
{
    if (err < 0) {
        baseline_die("%s: %s", what, sel4ft_strerror(err));
    }
    return err;
}

uint64_t baseline_parse_number(const char *option, const char *text, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long value = text != NULL ? strtoull(text, &end, 10) : 0;
    if (text == NULL || *text == '\0' || *end != '\0' || errno != 0 || value < min || value > max) {
        baseline_die("%s needs a number from %lu to %lu, not '%s'", option, (unsigned long)min, (unsigned long)max,
                     text != NULL ? text : "");
    }
    return value;
}
