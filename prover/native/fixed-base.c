#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "fixed-base.h"

#define FB_WINDOWS 32
#define FB_ENTRIES 255
#define FB_CHUNK 1024
#define FB_MAX_THREADS 16

#define FE fq_t
#define FONE FQ_ONE
#define F_(name) fq_##name
#define P_(name) g1_##name
#include "fixed-base-template.h"
#undef FE
#undef FONE
#undef F_
#undef P_

#define FE fq2_t
#define FONE FQ2_ONE_
#define F_(name) fq2_##name
#define P_(name) g2_##name
#include "fixed-base-template.h"
#undef FE
#undef FONE
#undef F_
#undef P_
