/*
 * Fixed-base scalar multiplication, written once over a curve and instantiated by fixed-base.c (G1 and
 * G2) through for-each-curve.h, which defines F_(name), P_(name) and FE.
 */
typedef struct {
  const P_(aff) *table;
  const uint64_t *scalars;
  P_(aff) *out;
  size_t from, to;
  int failed;
} P_(fb_task);

/* Jacobian to affine for n points with one inversion (Montgomery's trick); infinity stays (0, 0). */
static int P_(fb_normalize)(P_(aff) *out, const P_(jac) *in, size_t n) {
  FE *prefix = malloc((n + 1) * sizeof *prefix);
  if (prefix == NULL) return -1;
  FE acc = FONE;
  for (size_t i = 0; i < n; i++) {
    prefix[i] = acc;
    if (!P_(is_inf)(&in[i])) F_(mul)(&acc, &acc, &in[i].z);
  }
  FE inv;
  F_(inv)(&inv, &acc);
  for (size_t i = n; i-- > 0;) {
    if (P_(is_inf)(&in[i])) {
      memset(&out[i], 0, sizeof out[i]);
      continue;
    }
    FE zi, zi2, zi3;
    F_(mul)(&zi, &inv, &prefix[i]); /* 1 / z_i */
    F_(mul)(&inv, &inv, &in[i].z);  /* drop z_i from the running inverse */
    F_(sqr)(&zi2, &zi);
    F_(mul)(&zi3, &zi2, &zi);
    F_(mul)(&out[i].x, &in[i].x, &zi2);
    F_(mul)(&out[i].y, &in[i].y, &zi3);
  }
  free(prefix);
  return 0;
}

/* table[w * FB_ENTRIES + d - 1] = d * 2^(8w) * base for d in [1, 255] */
static int P_(fb_table)(P_(aff) *table, const P_(aff) *base) {
  P_(jac) *jac = malloc((size_t)FB_WINDOWS * FB_ENTRIES * sizeof *jac);
  if (jac == NULL) return -1;
  P_(jac) b;
  P_(from_aff)(&b, base);
  for (int w = 0; w < FB_WINDOWS; w++) {
    P_(jac) *row = jac + (size_t)w * FB_ENTRIES;
    row[0] = b;
    for (int d = 1; d < FB_ENTRIES; d++) P_(add)(&row[d], &row[d - 1], &b);
    for (int k = 0; k < 8; k++) P_(dbl)(&b, &b);
  }
  int status = P_(fb_normalize)(table, jac, (size_t)FB_WINDOWS * FB_ENTRIES);
  free(jac);
  return status;
}

static void *P_(fb_worker)(void *arg) {
  P_(fb_task) *task = arg;
  P_(jac) *chunk = malloc(FB_CHUNK * sizeof *chunk);
  if (chunk == NULL) {
    task->failed = 1;
    return NULL;
  }
  for (size_t start = task->from; start < task->to; start += FB_CHUNK) {
    size_t count = task->to - start < FB_CHUNK ? task->to - start : FB_CHUNK;
    for (size_t i = 0; i < count; i++) {
      const uint64_t *k = task->scalars + 4 * (start + i);
      P_(jac) acc;
      P_(set_inf)(&acc);
      for (int w = 0; w < FB_WINDOWS; w++) {
        unsigned d = (unsigned)(k[w / 8] >> (8 * (w % 8))) & 0xff;
        if (d != 0) P_(madd)(&acc, &acc, &task->table[(size_t)w * FB_ENTRIES + d - 1]);
      }
      chunk[i] = acc;
    }
    if (P_(fb_normalize)(task->out + start, chunk, count) != 0) {
      task->failed = 1;
      break;
    }
  }
  free(chunk);
  return NULL;
}

int P_(fixed_base)(P_(aff) *out, const P_(aff) *base, const uint64_t *scalars, size_t n, int threads) {
  if (n == 0) return 0;
  P_(aff) *table = malloc((size_t)FB_WINDOWS * FB_ENTRIES * sizeof *table);
  if (table == NULL) return -1;
  if (P_(fb_table)(table, base) != 0) {
    free(table);
    return -1;
  }
  if (threads < 1) threads = 1;
  if (threads > FB_MAX_THREADS) threads = FB_MAX_THREADS;
  if ((size_t)threads > n / FB_CHUNK + 1) threads = (int)(n / FB_CHUNK + 1);
  P_(fb_task) tasks[FB_MAX_THREADS];
  pthread_t ids[FB_MAX_THREADS];
  int started[FB_MAX_THREADS] = {0};
  size_t per = (n + (size_t)threads - 1) / (size_t)threads;
  for (int t = 0; t < threads; t++) {
    size_t from = (size_t)t * per, to = from + per > n ? n : from + per;
    tasks[t] = (P_(fb_task)){table, scalars, out, from < n ? from : n, to, 0};
    /* the last range runs on this thread; a thread that cannot start leaves its range here too */
    if (t + 1 < threads && pthread_create(&ids[t], NULL, P_(fb_worker), &tasks[t]) == 0) started[t] = 1;
  }
  for (int t = 0; t < threads; t++) {
    if (!started[t]) P_(fb_worker)(&tasks[t]);
  }
  int failed = 0;
  for (int t = 0; t < threads; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    failed |= tasks[t].failed;
  }
  free(table);
  return failed ? -1 : 0;
}
