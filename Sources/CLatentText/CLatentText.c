// The header holds everything (static inline); SwiftPM needs one source file for a C target.
#include "CLatentText.h"
