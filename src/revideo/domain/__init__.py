"""Pure domain: values, rules and formulas. No I/O, no clock reads."""
