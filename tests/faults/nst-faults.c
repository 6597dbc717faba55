/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-faults - one user agent holding many calls with nst, for the fault
 * scenarios of "make check-faults" (tests/faults/run.sh): the caller
 * (--role=uac, the refresher) and the callee (--role=uas) run as two
 * processes, so that the network between them can lose packets or be cut,
 * and so that one of them can be killed.
 *
 *   nst-faults --role=uac --port=P --peer=Q --calls=N [--stagger=S]
 *              [--se=S] --until=EPOCH [--out=FILE]
 *   nst-faults --role=uas --port=Q [--calls=N] [--callee-refreshes-half]
 *              --until=EPOCH [--out=FILE]
 *
 * The caller starts N calls to 127.0.0.1:Q evenly over S seconds (its From
 * is sip:cI@..., I the call's number, which is how the two sides' records
 * are matched; a callee takes calls 0..N-1, and may see some of them only,
 * e.g. behind a proxy that spreads calls over several callees). Both run their su_root until EPOCH (seconds since 1970, so
 * that both sides write their state at the same instant), then write one
 * line per call and a summary, and exit without hanging up (the state is
 * what the faults left, not what a shutdown would make of it).
 *
 * With --callee-refreshes-half, the callee refreshes half of the calls (it
 * answers NSTTAG_REFRESHER(nst_pref_uas): nst's caller leaves the choice to
 * the callee, RFC 4028 section 7.1): those whose number I has I / 2 odd, so
 * that a proxy that deals calls round robin to two callees gives each
 * callee both kinds.
 *
 * Per call: whether it is up, or ending (nst sent BYE, not yet answered); the refreshes seen (the caller counts its
 * refreshes answered 2xx, the callee the refreshes it received); the last
 * refresh and the end (wall clock); the timers nst has armed for it; and
 * why it ended (nst's event, the failed refresh's status, or the BYE
 * received and its Reason header).
 *
 * Summary: the process's heap in use (mallinfo2) before the first call, at
 * the peak and at the end, and how many timerfds of the process are armed
 * (nst's timer source on Linux; read from /proc/self/fdinfo, outside nst).
 */
#include "config.h"

#define _GNU_SOURCE 1

#include <nst/nst.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/su_wait.h>

#include <dirent.h>
#include <getopt.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define FAULTS_SDP "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" \
  "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n"

typedef struct fcall_s {
  nua_handle_t *nh;
  int started, established, ended;
  unsigned refreshes;
  double t_up, t_last_refresh;
  double t_end;                   /* nst sent the expiry BYE, or it ended */
  char why[160];                  /* why it ended, first cause wins */
} fcall_t;

static struct {
  int uac;
  int callee_refreshes_half;
  int port, peer, se;
  unsigned n, started;
  double stagger, until, t0;
  char const *out;
  su_root_t *root;
  su_home_t home[1];
  nst_t *nst;
  fcall_t *calls;
  size_t heap_idle, heap_peak;
  su_timer_t *pace, *deadline;
} F;

static double now_s(void)
{
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec + tv.tv_usec / 1e6;
}

static size_t heap_bytes(void)
{
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

/* Timerfds of this process that are armed: "it_value: (0, 0)" in fdinfo
 * means disarmed. */
static int timerfds_armed(int *return_total)
{
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int armed = 0, total = 0;

  while (d && (e = readdir(d))) {
    char path[300], target[64], line[128];
    ssize_t len;
    FILE *f;

    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    len = readlink(path, target, sizeof target - 1);
    if (len <= 0)
      continue;
    target[len] = '\0';
    if (strcmp(target, "anon_inode:[timerfd]") != 0)
      continue;
    total++;
    snprintf(path, sizeof path, "/proc/self/fdinfo/%s", e->d_name);
    f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
      if (strncmp(line, "it_value:", 9) == 0 && !strstr(line, "(0, 0)"))
        armed++;
    if (f)
      fclose(f);
  }
  if (d)
    closedir(d);
  *return_total = total;
  return armed;
}

static void set_why(fcall_t *c, char const *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void set_why(fcall_t *c, char const *fmt, ...)
{
  va_list ap;

  if (c->why[0])
    return;
  va_start(ap, fmt);
  vsnprintf(c->why, sizeof c->why, fmt, ap);
  va_end(ap);
}

/* The call a callee's request belongs to: the caller's From is sip:cI@. */
static fcall_t *call_of(sip_t const *sip)
{
  char const *user;
  char *end;
  unsigned long i;

  if (!sip || !sip->sip_from || !(user = sip->sip_from->a_url->url_user) ||
      user[0] != 'c')
    return NULL;
  i = strtoul(user + 1, &end, 10);
  if (*end || end == user + 1 || i >= F.n)
    return NULL;
  return &F.calls[i];
}

static void ended(fcall_t *c, nua_handle_t *nh)
{
  if (c->ended)
    return;
  c->ended = 1;
  if (c->t_end == 0)
    c->t_end = now_s();
  set_why(c, "terminated");
  nst_handle_destroy(F.nst, nh);
  c->nh = NULL;
}

static void on_nst(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                   nua_hmagic_t *hmagic, nst_info_t const *info, void *magic)
{
  fcall_t *c = (fcall_t *)hmagic;

  (void)nst, (void)nh, (void)magic;
  if (c == NULL)
    return;
  switch (event) {
  case nst_ev_refresh_answered:
    if (info->ni_status >= 200 && info->ni_status < 300)
      c->refreshes++, c->t_last_refresh = now_s();
    break;
  case nst_ev_refresh_received:
    c->refreshes++, c->t_last_refresh = now_s();
    break;
  case nst_ev_refresh_failed:
    /* nst retries, or ends the call on 408/481: only the end counts */
    if (info->ni_status == 408 || info->ni_status == 481) {
      set_why(c, "refresh failed %d", info->ni_status);
      if (c->t_end == 0)
        c->t_end = now_s();     /* nst sends BYE now */
    }
    break;
  case nst_ev_expired:
    set_why(c, "expired");
    if (c->t_end == 0)
      c->t_end = now_s();       /* the BYE goes now; it ends when answered */
    break;
  default:
    break;
  }
}

static void on_bye(fcall_t *c, sip_t const *sip)
{
  sip_reason_t const *r = sip ? sip->sip_reason : NULL;

  if (r)
    set_why(c, "BYE received, Reason: %s;cause=%s%s%s", r->re_protocol,
            r->re_cause ? r->re_cause : "?", r->re_text ? ";text=" : "",
            r->re_text ? r->re_text : "");
  else
    set_why(c, "BYE received, no Reason");
}

static void on_nua(nua_event_t event, int status, char const *phrase,
                   nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                   nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  fcall_t *c = (fcall_t *)hmagic;

  (void)nua, (void)magic, (void)tags;
  if (c == NULL && event == nua_i_invite && !F.uac) {
    c = call_of(sip);
    if (c == NULL || c->started) {
      nua_respond(nh, SIP_403_FORBIDDEN, TAG_END());
      nua_handle_destroy(nh);
      return;
    }
    c->started = 1, c->nh = nh;
    nua_handle_bind(nh, (nua_hmagic_t *)c);
    nst_respond(F.nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(FAULTS_SDP),
                TAG_IF(F.callee_refreshes_half && (c - F.calls) / 2 % 2,
                       NSTTAG_REFRESHER(nst_pref_uas)),
                TAG_END());
    return;
  }
  if (c == NULL)
    return;
  switch (event) {
  case nua_r_invite:
    if (status >= 300 && !c->established)
      set_why(c, "setup failed %d %s", status, phrase);
    break;
  case nua_i_state: {
    int state = nua_callstate_init;
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    if (state == nua_callstate_ready && !c->established) {
      size_t heap = heap_bytes();
      c->established = 1, c->t_up = c->t_last_refresh = now_s();
      if (heap > F.heap_peak)
        F.heap_peak = heap;
    }
    else if (state == nua_callstate_terminated)
      ended(c, nh);
    break;
  }
  case nua_i_bye:
    on_bye(c, sip);
    break;
  case nua_r_bye:
    set_why(c, "BYE sent, %d %s", status, phrase);
    break;
  default:
    break;
  }
}

static void start_call(unsigned i)
{
  fcall_t *c = &F.calls[i];
  char to[80], from[80];

  snprintf(to, sizeof to, "<sip:b@127.0.0.1:%d>", F.peer);
  snprintf(from, sizeof from, "<sip:c%u@127.0.0.1:%d>", i, F.port);
  c->nh = nua_handle(nst_nua(F.nst), (nua_hmagic_t *)c, SIPTAG_TO_STR(to),
                     SIPTAG_FROM_STR(from), TAG_END());
  c->started = 1;
  nst_invite(F.nst, c->nh, SOATAG_USER_SDP_STR(FAULTS_SDP), TAG_END());
}

static void on_pace(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  double now = now_s();

  (void)magic, (void)arg;
  while (F.started < F.n && F.t0 + F.stagger * F.started / F.n <= now)
    start_call(F.started++);
  if (F.started < F.n)
    su_timer_set_interval(t, on_pace, NULL, 5);
}

static void on_deadline(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  (void)magic, (void)t, (void)arg;
  su_root_break(F.root);
}

static void dump(FILE *f)
{
  unsigned i, known = 0, up = 0, up_untimed = 0, refreshes = 0;
  int fd_total = 0, fd_armed = timerfds_armed(&fd_total);
  nst_stats_t st;

  for (i = 0; i < F.n; i++) {
    fcall_t *c = &F.calls[i];
    nst_info_t info;
    long timer = -1, expires = -1, refresh = -1;

    if (!c->started)
      continue;
    known++;
    refreshes += c->refreshes;
    if (c->nh && !c->ended && nst_get_info(F.nst, c->nh, &info) == 0) {
      timer = nst_next_timer_ms(F.nst, c->nh);
      expires = info.ni_expires_in_ms, refresh = info.ni_refresh_in_ms;
    }
    if (c->established && !c->ended) {
      up++;
      if (timer < 0 || expires < 0)
        up_untimed++;
    }
    fprintf(f, "call=%u up=%d ending=%d established=%d refreshes=%u t_up=%.3f "
            "t_last_refresh=%.3f t_end=%.3f next_timer_ms=%ld refresh_in_ms=%ld "
            "expires_in_ms=%ld why=%s\n",
            i, c->established && !c->ended, c->established && !c->ended && c->why[0],
            c->established, c->refreshes,
            c->t_up, c->t_last_refresh, c->t_end, timer, refresh, expires,
            c->why[0] ? c->why : c->established ? "-" : "not established");
  }
  nst_get_stats(F.nst, &st);
  fprintf(f, "role=%s\ncalls=%u\nup=%u\nup_without_timer=%u\nrefreshes=%u\n"
          "stats_refreshes_sent=%lu\nstats_refreshes_received=%lu\n"
          "stats_refresh_failures=%lu\nstats_expiries=%lu\n"
          "heap_idle=%zu\nheap_peak=%zu\nheap_end=%zu\n"
          "timerfds=%d\ntimerfds_armed=%d\n",
          F.uac ? "uac" : "uas", known, up, up_untimed, refreshes,
          st.ns_refreshes_sent, st.ns_refreshes_received,
          st.ns_refresh_failures, st.ns_expiries,
          F.heap_idle, F.heap_peak, heap_bytes(), fd_total, fd_armed);
}

static int usage(void)
{
  fprintf(stderr, "usage: nst-faults --role=uac|uas --port=P [--peer=Q] "
          "[--calls=N] [--stagger=S] [--se=S] [--callee-refreshes-half]\n"
          "                  --until=EPOCH [--out=FILE]\n");
  return 2;
}

int main(int argc, char **argv)
{
  static struct option const opts[] = {
    { "role", required_argument, NULL, 'r' },
    { "port", required_argument, NULL, 'p' },
    { "peer", required_argument, NULL, 'q' },
    { "calls", required_argument, NULL, 'n' },
    { "stagger", required_argument, NULL, 's' },
    { "se", required_argument, NULL, 'e' },
    { "until", required_argument, NULL, 'u' },
    { "out", required_argument, NULL, 'o' },
    { "callee-refreshes-half", no_argument, NULL, 'd' },
    { NULL, 0, NULL, 0 }
  };
  char url[64];
  int o, role = -1;
  FILE *out = stdout;

  F.n = 200, F.stagger = 20, F.se = 90;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
    case 'r': role = strcmp(optarg, "uac") == 0 ? 1 :
                     strcmp(optarg, "uas") == 0 ? 0 : -1; break;
    case 'p': F.port = atoi(optarg); break;
    case 'q': F.peer = atoi(optarg); break;
    case 'n': F.n = (unsigned)strtoul(optarg, NULL, 10); break;
    case 's': F.stagger = atof(optarg); break;
    case 'e': F.se = atoi(optarg); break;
    case 'u': F.until = atof(optarg); break;
    case 'o': F.out = optarg; break;
    case 'd': F.callee_refreshes_half = 1; break;
    default: return usage();
    }
  }
  if (role < 0 || F.port <= 0 || F.until <= 0 || F.n == 0 ||
      (role == 1 && F.peer <= 0))
    return usage();
  F.uac = role;
  F.calls = calloc(F.n, sizeof *F.calls);

  su_init();
  su_home_init(F.home);
  F.root = su_root_create(NULL);
  snprintf(url, sizeof url, "sip:127.0.0.1:%d;transport=udp", F.port);
  F.nst = nst_create(F.root, on_nua, NULL, NUTAG_URL(url),
                     NSTTAG_SESSION_EXPIRES(F.se), NSTTAG_MIN_SE(90),
                     TAG_END());
  if (F.calls == NULL || F.root == NULL || F.nst == NULL) {
    fprintf(stderr, "nst-faults: cannot create the user agent on %s\n", url);
    return 1;
  }
  nst_set_callback(F.nst, on_nst, NULL);
  F.heap_idle = F.heap_peak = heap_bytes();

  F.pace = su_timer_create(su_root_task(F.root), 0);
  F.deadline = su_timer_create(su_root_task(F.root), 0);
  F.t0 = now_s();
  if (F.uac)
    su_timer_set_interval(F.pace, on_pace, NULL, 1);
  if (F.until > F.t0)
    su_timer_set_interval(F.deadline, on_deadline, NULL,
                          (su_duration_t)((F.until - F.t0) * 1000));
  su_root_run(F.root);

  if (F.out && !(out = fopen(F.out, "w"))) {
    perror(F.out);
    return 1;
  }
  dump(out);
  fclose(out);
  /* No shutdown: it would hang up the calls whose state was just written. */
  _exit(0);
}
