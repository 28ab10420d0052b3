// The Makefile writes revision.h (git-ignored) before building; a plain `swift build` has none.
#if __has_include("revision.h")
#include "revision.h"
#endif
#ifndef PIVOT_REVISION
#define PIVOT_REVISION "unknown"
#endif
#ifndef PIVOT_BUILD_DATE
#define PIVOT_BUILD_DATE "unknown"
#endif
#include "pivot_support.h"

const char *pivot_build_revision(void) { return PIVOT_REVISION; }
const char *pivot_build_date(void) { return PIVOT_BUILD_DATE; }
