#ifndef PIVOT_BUILD_INFO_H
#define PIVOT_BUILD_INFO_H

/// The git revision the binary was built from ("unknown" when built outside a checkout by make).
const char *pivot_build_revision(void);
/// The build date (UTC, RFC 3339) written by make, or "unknown".
const char *pivot_build_date(void);

#endif
