#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "fixed-base.h"

#define FB_WINDOWS 32
#define FB_ENTRIES 255
#define FB_CHUNK 1024
#define FB_MAX_THREADS 16

#define CURVE_TEMPLATE "fixed-base-template.h"
#include "for-each-curve.h"
