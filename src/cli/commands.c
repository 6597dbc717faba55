/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - interactive commands, one a line on stdin, read on the su_root
 * (plain or su_glib); SIGINT/SIGTERM act as "quit".
 *
 * End of input only stops the reading: a script may run nst-cli with stdin
 * from /dev/null or from a pipe that closes, and the call goes on.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/sip_tag.h>
#include <sofia-sip/soa_tag.h>

#include <glib-unix.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct cli_command_s {
  char const *name;
  char const *args;          /* for help */
  int         needs_call;    /* only in an established call */
  void      (*run)(cli_t *cli, char const *arg);
  char const *help;
} cli_command_t;

static void cmd_help(cli_t *cli, char const *arg);

/* ---------------------------------------------------------------------- */
/* The commands */

/* -T: like the initial INVITE (call.c), our re-INVITEs and UPDATEs do not
 * list "timer" in Supported, so that no UAS can make us the refresher
 * through them (RFC 4028 section 9: refresher=uas for a UAC without the
 * extension). */
static void send_reinvite(cli_t *cli, char const *what)
{
  cli->pending = what;
  if (nst_invite(cli->nst, cli->call, SOATAG_USER_SDP_STR(cli_sdp(cli)),
                 TAG_IF(cli->timers_off, SIPTAG_SUPPORTED_STR(CLI_SUPPORTED_NO_TIMER)),
                 TAG_END()) < 0) {
    cli_say(cli, "error: %s: nst_invite() refused to send the re-INVITE "
            "(NST_DEBUG=3 says why)", what);
    cli->pending = NULL;
  }
}

static void cmd_hold(cli_t *cli, char const *arg)
{
  (void)arg;
  cli->held = 1;
  cli_say(cli, "hold: sending re-INVITE with a=sendonly");
  send_reinvite(cli, "hold");
}

static void cmd_unhold(cli_t *cli, char const *arg)
{
  (void)arg;
  cli->held = 0;
  cli_say(cli, "unhold: sending re-INVITE with a=sendrecv");
  send_reinvite(cli, "unhold");
}

static void cmd_reinvite(cli_t *cli, char const *arg)
{
  (void)arg;
  cli_say(cli, "reinvite: sending re-INVITE with the current SDP (a=%s)",
          cli->held ? "sendonly" : "sendrecv");
  send_reinvite(cli, "reinvite");
}

static void cmd_update(cli_t *cli, char const *arg)
{
  (void)arg;
  cli->pending = "update";
  cli_say(cli, "update: sending UPDATE");
  if (nst_update(cli->nst, cli->call,
                 TAG_IF(cli->timers_off, SIPTAG_SUPPORTED_STR(CLI_SUPPORTED_NO_TIMER)),
                 TAG_END()) < 0) {
    cli_say(cli, "error: update: nst_update() refused to send the UPDATE "
            "(NST_DEBUG=3 says why)");
    cli->pending = NULL;
  }
}

/* Hang up: CANCEL an outgoing call not answered yet, else BYE. */
static void hang_up(cli_t *cli, char const *why)
{
  cli_set_end(cli, CLI_END_COMMAND);
  cli->bye_sent = 1;
  if (cli->outgoing && !cli->answered) {
    cli_say(cli, "%s: cancelling the call (CANCEL)", why);
    nua_cancel(cli->call, TAG_END());
  }
  else {
    cli_say(cli, "%s: hanging up (BYE)", why);
    nua_bye(cli->call, TAG_END());
  }
}

static void cmd_bye(cli_t *cli, char const *arg)
{
  (void)arg;
  if (cli->call == NULL)
    cli_say(cli, "error: bye: no call");
  else if (cli->bye_sent || cli->end != CLI_END_NONE)
    cli_say(cli, "error: bye: the call is already ending");
  else
    hang_up(cli, "bye");
}

/* A CANCEL waits for a provisional response that may never come, and a
 * BYE to a dead peer for 32 s: quit does not wait that long. */
static void quit_due(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  cli_t *cli = (cli_t *)arg;

  (void)magic, (void)t;
  cli_say(cli, "quit: the call did not end within 5 s of our %s: exiting anyway",
          cli->outgoing && !cli->answered ? "CANCEL" : "BYE");
  if (cli->call) {
    nst_handle_destroy(cli->nst, cli->call);
    cli->call = NULL;
  }
  cli_stop(cli);
}

static void cmd_quit(cli_t *cli, char const *arg)
{
  (void)arg;
  if (cli->call && !cli->bye_sent && cli->end == CLI_END_NONE) {
    hang_up(cli, "quit");       /* the end of the call stops the program */
    su_timer_set_interval(cli->stop_timer, quit_due, (su_timer_arg_t *)cli, 5000);
  }
  else if (cli->call)
    cli_say(cli, "quit: waiting for the call to end");
  else {
    cli_say(cli, "quit: no call, shutting down");
    cli_stop(cli);
  }
}

static void cmd_lifetime(cli_t *cli, char const *arg)
{
  unsigned s, granted = 0;
  nst_lifetime_t r;

  if (cli_parse_seconds(arg, &s) < 0) {
    cli_say(cli, "error: lifetime: seconds expected (0: no limit)");
    return;
  }
  r = nst_set_lifetime(cli->nst, cli->call, s, &granted);
  cli_say(cli, "call lifetime %s: %u s", nst_lifetime_name(r), granted);
}

static void say_ms(char *buf, size_t size, char const *what, long ms)
{
  size_t n = strlen(buf);
  if (ms >= 0 && n < size)
    snprintf(buf + n, size - n, "%s%s in %.3f s", n ? ", " : "", what, ms / 1000.0);
}

/* Which timer fires next, from nst_get_info()'s three delays: its name,
 * and in *@a next_ms its delay (-1: none armed). */
static char const *next_timer(nst_info_t const *info, long *next_ms)
{
  long d[3] = { info->ni_refresh_in_ms, info->ni_expires_in_ms, info->ni_lifetime_in_ms };
  char const *names[3] = { "refresh", "expiry BYE", "lifetime end" };
  int i, best = -1;

  for (i = 0; i < 3; i++)
    if (d[i] >= 0 && (best < 0 || d[i] < d[best]))
      best = i;
  *next_ms = best < 0 ? -1 : d[best];
  return best < 0 ? "none" : names[best];
}

static void status_timer(cli_t *cli)
{
  nst_info_t info[1];
  char const *next_name;
  long next;
  char buf[160] = "";

  if (nst_get_info(cli->nst, cli->call, info) < 0) {
    cli_say(cli, "status: session timer: not known to nst");
    return;
  }
  if (info->ni_interval == 0)
    cli_say(cli, "status: session timer: none on this call");
  else
    cli_say(cli, "status: session timer: interval %u s, %s%s%s, refreshes so far %u",
            info->ni_interval,
            info->ni_refresher == nst_refresher_local ? "we refresh" : "peer refreshes",
            info->ni_refresher == nst_refresher_local ? " by " : "",
            info->ni_refresher == nst_refresher_local ? nst_method_name(info->ni_method) : "",
            info->ni_refreshes);
  say_ms(buf, sizeof buf, "refresh", info->ni_refresh_in_ms);
  say_ms(buf, sizeof buf, "expiry BYE", info->ni_expires_in_ms);
  say_ms(buf, sizeof buf, "lifetime end", info->ni_lifetime_in_ms);
  next_name = next_timer(info, &next);
  if (next >= 0)
    cli_say(cli, "status: next timer in %.3f s: %s (%s)", next / 1000.0,
            next_name, buf);
  else
    cli_say(cli, "status: no timer armed");
}

static void cmd_status(cli_t *cli, char const *arg)
{
  (void)arg;
  if (cli->call == NULL)
    cli_say(cli, "status: no call%s", cli->set->target ? "" : " (listening)");
  else {
    cli_say(cli, "status: call %s (%s %s), audio %s%s", nua_callstate_name(cli->callstate),
            cli->outgoing ? "outgoing to" : "incoming on",
            cli->outgoing ? cli->set->target : cli->set->bind,
            cli_audio_name(cli->audio),
            cli->end != CLI_END_NONE ? ", ending" : "");
    status_timer(cli);
  }
  cli_say_counters(cli, "status");
}

/* nst's counters, one line: "WHAT: counters: ..." */
void cli_say_counters(cli_t *cli, char const *what)
{
  nst_stats_t st[1];

  if (nst_get_stats(cli->nst, st) == 0)
    cli_say(cli, "%s: counters: refreshes sent %lu, received %lu, refresh failures %lu, "
            "422 sent %lu, 422 received %lu, expiries %lu, lifetime ends %lu", what,
            st->ns_refreshes_sent, st->ns_refreshes_received, st->ns_refresh_failures,
            st->ns_422_sent, st->ns_422_received, st->ns_expiries, st->ns_lifetime_ends);
}

static cli_command_t const commands[] = {
  { "hold", "", 1, cmd_hold, "re-INVITE with SDP a=sendonly" },
  { "unhold", "", 1, cmd_unhold, "re-INVITE with SDP a=sendrecv" },
  { "reinvite", "", 1, cmd_reinvite, "re-INVITE with the current SDP (a session refresh)" },
  { "update", "", 1, cmd_update, "UPDATE (a session refresh, nst_update())" },
  { "bye", "", 0, cmd_bye, "hang up (CANCEL if not answered yet); exit status 5" },
  { "status", "", 0, cmd_status, "call state, negotiated timer, next timer, counters" },
  { "lifetime", " S", 1, cmd_lifetime, "end the call in S s (nst_set_lifetime(), 0: no limit)" },
  { "quit", "", 0, cmd_quit, "hang up if in a call, then exit" },
  { "help", "", 0, cmd_help, "this list" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

void cli_commands_help(FILE *f)
{
  size_t i;
  for (i = 0; i < N_COMMANDS; i++) {
    char left[24];
    snprintf(left, sizeof left, "%s%s", commands[i].name, commands[i].args);
    fprintf(f, "  %-12s%s\n", left, commands[i].help);
  }
}

static void cmd_help(cli_t *cli, char const *arg)
{
  size_t i;
  (void)arg;
  for (i = 0; i < N_COMMANDS; i++) {
    char left[24];
    snprintf(left, sizeof left, "%s%s", commands[i].name, commands[i].args);
    cli_say(cli, "help: %-11s %s", left, commands[i].help);
  }
}

/* Run one line. */
void cli_command(cli_t *cli, char *line)
{
  char *word, *arg, *end;
  size_t i;

  for (word = line; *word == ' ' || *word == '\t'; word++)
    ;
  for (end = word + strlen(word); end > word && strchr(" \t\r\n", end[-1]); end--)
    ;
  *end = '\0';
  if (*word == '\0' || *word == '#')
    return;
  for (arg = word; *arg && *arg != ' ' && *arg != '\t'; arg++)
    ;
  if (*arg) {
    *arg++ = '\0';
    while (*arg == ' ' || *arg == '\t')
      arg++;
  }

  for (i = 0; i < N_COMMANDS; i++)
    if (strcmp(commands[i].name, word) == 0)
      break;
  if (i == N_COMMANDS) {
    cli_say(cli, "error: unknown command '%s' (type 'help')", word);
    return;
  }
  if (cli->shutting_down) {
    cli_say(cli, "error: %s: shutting down", word);
    return;
  }
  if (commands[i].needs_call &&
      (cli->call == NULL || !cli->answered || cli->end != CLI_END_NONE || cli->bye_sent)) {
    cli_say(cli, "error: %s: no established call", word);
    return;
  }
  commands[i].run(cli, arg);
}

/* ---------------------------------------------------------------------- */
/* Reading stdin: a GIOChannel gives whole lines (and the last one without
 * a newline at the end of input). */

static gboolean on_stdin(GIOChannel *ch, GIOCondition cond, gpointer arg)
{
  cli_t *cli = arg;
  GIOStatus st = G_IO_STATUS_NORMAL;
  GError *error = NULL;
  char *line = NULL;

  (void)cond;
  /* Read every line the channel holds: one readiness of the fd may bring
   * several, and the channel buffers what it read. */
  while (cli->in_channel &&
         (st = g_io_channel_read_line(ch, &line, NULL, NULL, &error)) == G_IO_STATUS_NORMAL) {
    cli_command(cli, line);
    g_free(line);
    line = NULL;
  }
  if (cli->in_channel == NULL || st == G_IO_STATUS_AGAIN)
    return cli->in_channel != NULL;
  if (st == G_IO_STATUS_ERROR) {
    cli_say(cli, "commands: cannot read stdin (%s): no more commands",
            error ? error->message : "error");
    g_clear_error(&error);
  }
  else
    cli_say(cli, "commands: end of input, no more commands");
  cli->in_watch = 0;    /* FALSE below removes the watch */
  cli_commands_stop(cli);
  return FALSE;
}

/* Read commands from stdin if it is a terminal we may read (not in the
 * background), a pipe or a socket: /dev/null and regular files are "no
 * commands" (a file would run every command at once). */
void cli_commands_start(cli_t *cli)
{
  struct stat st;

  if (cli->set->no_commands || fstat(STDIN_FILENO, &st) < 0)
    return;
  if (isatty(STDIN_FILENO)) {
    if (tcgetpgrp(STDIN_FILENO) != getpgrp())
      return;
    signal(SIGTTIN, SIG_IGN);   /* read() in the background: EIO, not a stop */
  }
  else if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
    return;

  cli->in_channel = g_io_channel_unix_new(STDIN_FILENO);
  g_io_channel_set_encoding(cli->in_channel, NULL, NULL);   /* bytes, not UTF-8 */
  g_io_channel_set_flags(cli->in_channel, G_IO_FLAG_NONBLOCK, NULL);
  cli->in_watch = g_io_add_watch(cli->in_channel, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                 on_stdin, cli);
  cli_say(cli, "commands: reading stdin (type 'help')");
}

void cli_commands_stop(cli_t *cli)
{
  if (cli->in_watch)
    g_source_remove(cli->in_watch);
  cli->in_watch = 0;
  if (cli->in_channel)
    g_io_channel_unref(cli->in_channel);
  cli->in_channel = NULL;
}

/* ---------------------------------------------------------------------- */
/* SIGINT/SIGTERM: the first one quits cleanly (hang up, then exit), a
 * second one ends the program at once. */

static gboolean on_signal(gpointer arg, int sig)
{
  cli_t *cli = arg;

  if (cli->sig_count++ > 0) {
    cli_say(cli, "got %s again: exiting now", sig == SIGINT ? "SIGINT" : "SIGTERM");
    exit(CLI_EXIT_HUNGUP);
  }
  cli_say(cli, "got %s: quitting (again to end at once)", sig == SIGINT ? "SIGINT" : "SIGTERM");
  if (!cli->shutting_down)
    cmd_quit(cli, "");
  return G_SOURCE_CONTINUE;
}

static gboolean on_sigint(gpointer arg) { return on_signal(arg, SIGINT); }
static gboolean on_sigterm(gpointer arg) { return on_signal(arg, SIGTERM); }

int cli_signals_start(cli_t *cli)
{
  cli->sig_source[0] = g_unix_signal_add(SIGINT, on_sigint, cli);
  cli->sig_source[1] = g_unix_signal_add(SIGTERM, on_sigterm, cli);
  return cli->sig_source[0] && cli->sig_source[1] ? 0 : -1;
}

void cli_signals_stop(cli_t *cli)
{
  size_t i;

  for (i = 0; i < 2; i++)
    if (cli->sig_source[i])
      g_source_remove(cli->sig_source[i]);
  cli->sig_source[0] = cli->sig_source[1] = 0;
}
