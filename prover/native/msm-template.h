/*
 * Pippenger's bucket method, written once for G1 and G2 (instantiated by msm.c through for-each-curve.h,
 * which defines P_ and F_).
 * Witness scalars are mostly tiny (bits of range checks, small fixed-point values, or the field negation
 * of one: r - x for a negative x), so each scalar k > (r-1)/2 is replaced by r - k against the negated
 * point, scalars equal to one are summed directly, and the rest are split by bit length into tiers,
 * each a separate bucket MSM with its own window width (cost model: windows * (entries + 2 * buckets)).
 * Windows and chunks are independent tasks that `threads` workers take from a shared counter.
 */

typedef struct {
  const P_(aff) *points;
  const uint64_t *k;     /* reduced scalars, 4 limbs each, indexed like points */
  const uint32_t *idx;   /* entries: point index | MSM_NEG_BIT when the point is to be negated */
  size_t count;
  unsigned window;       /* first bit of this task's window, or ONES_TASK for a plain sum */
  unsigned c;
  P_(jac) result;
} P_(task);

typedef struct {
  P_(task) *tasks;
  size_t n_tasks;
  atomic_size_t next;
  unsigned max_c;
  int failed;
} P_(pool);

static inline void P_(load)(P_(aff) *pt, const P_(aff) *points, uint32_t e) {
  *pt = points[e & ~MSM_NEG_BIT];
  if (e & MSM_NEG_BIT) F_(neg)(&pt->y, &pt->y);
}

static void P_(run_task)(P_(task) *t, P_(jac) *buckets) {
  P_(aff) pt;
  P_(jac) acc;
  P_(set_inf)(&acc);
  if (t->window == ONES_TASK) {
    for (size_t i = 0; i < t->count; i++) {
      P_(load)(&pt, t->points, t->idx[i]);
      P_(madd)(&acc, &acc, &pt);
    }
    t->result = acc;
    return;
  }
  size_t nb = ((size_t)1 << t->c) - 1;
  memset(buckets, 0, nb * sizeof *buckets);
  for (size_t i = 0; i < t->count; i++) {
    uint32_t e = t->idx[i];
    uint32_t d = msm_digit(t->k + 4 * (size_t)(e & ~MSM_NEG_BIT), t->window, t->c);
    if (d == 0) continue;
    P_(load)(&pt, t->points, e);
    P_(madd)(&buckets[d - 1], &buckets[d - 1], &pt);
  }
  /* sum_d d * B_d as a running sum from the top bucket down */
  P_(jac) running;
  P_(set_inf)(&running);
  for (size_t d = nb; d-- > 0;) {
    P_(add)(&running, &running, &buckets[d]);
    P_(add)(&acc, &acc, &running);
  }
  t->result = acc;
}

static void *P_(worker)(void *arg) {
  P_(pool) *pool = arg;
  P_(jac) *buckets = malloc(((size_t)1 << pool->max_c) * sizeof *buckets);
  if (buckets == NULL) {
    pool->failed = 1;
    return NULL;
  }
  for (;;) {
    size_t i = atomic_fetch_add(&pool->next, 1);
    if (i >= pool->n_tasks) break;
    P_(run_task)(&pool->tasks[i], buckets);
  }
  free(buckets);
  return NULL;
}

int P_(msm)(P_(jac) *out, const P_(aff) *points, const uint64_t *scalars, size_t n, int threads) {
  P_(set_inf)(out);
  if (n == 0) return 0;
  if (n >= MSM_NEG_BIT) return -1;
  uint64_t *k = malloc(n * 4 * sizeof *k);
  uint32_t *idx = malloc(n * sizeof *idx);
  uint8_t *cls = malloc(n);
  P_(task) *tasks = NULL;
  int rc = -1;
  if (k == NULL || idx == NULL || cls == NULL) goto done;

  msm_tiers tiers;
  msm_classify(&tiers, k, idx, cls, scalars, n);

  size_t n_tasks = (tiers.ones + ONES_CHUNK - 1) / ONES_CHUNK;
  for (int t = 0; t < MSM_TIERS; t++) n_tasks += tiers.windows[t];
  tasks = calloc(n_tasks == 0 ? 1 : n_tasks, sizeof *tasks);
  if (tasks == NULL) goto done;
  size_t ti = 0;
  unsigned max_c = 1;
  /* largest tiers first, so the two workers finish close together */
  for (int t = MSM_TIERS - 1; t >= 0; t--) {
    for (unsigned w = 0; w < tiers.windows[t]; w++) {
      tasks[ti++] = (P_(task)){.points = points, .k = k, .idx = idx + tiers.start[t], .count = tiers.count[t], .window = w * tiers.c[t], .c = tiers.c[t]};
    }
    if (tiers.c[t] > max_c) max_c = tiers.c[t];
  }
  for (size_t s = 0; s < tiers.ones; s += ONES_CHUNK) {
    size_t m = tiers.ones - s < ONES_CHUNK ? tiers.ones - s : ONES_CHUNK;
    tasks[ti++] = (P_(task)){.points = points, .k = k, .idx = idx + tiers.ones_start + s, .count = m, .window = ONES_TASK};
  }

  P_(pool) pool = {tasks, n_tasks, 0, max_c, 0};
  atomic_init(&pool.next, 0);
  pthread_t tids[MSM_MAX_THREADS];
  int started = 0;
  if (threads > MSM_MAX_THREADS) threads = MSM_MAX_THREADS;
  for (int i = 1; i < threads && (size_t)i < n_tasks; i++) {
    if (pthread_create(&tids[started], NULL, P_(worker), &pool) == 0) started++;
  }
  P_(worker)(&pool);
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  if (pool.failed) goto done;

  /* windows of a tier: acc = acc * 2^c + W_w from the top window down */
  ti = 0;
  for (int t = MSM_TIERS - 1; t >= 0; t--) {
    P_(jac) acc;
    P_(set_inf)(&acc);
    for (unsigned w = tiers.windows[t]; w-- > 0;) {
      for (unsigned b = 0; b < tiers.c[t]; b++) P_(dbl)(&acc, &acc);
      P_(add)(&acc, &acc, &tasks[ti + w].result);
    }
    ti += tiers.windows[t];
    P_(add)(out, out, &acc);
  }
  for (; ti < n_tasks; ti++) P_(add)(out, out, &tasks[ti].result);
  rc = 0;
done:
  free(k);
  free(idx);
  free(cls);
  free(tasks);
  return rc;
}
