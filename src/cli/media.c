/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-cli - media (--media): G.711 mu-law silence sent and received with
 * oRTP (the RTP stack liblinphone uses) for the length of the call, so
 * that a PBX that ends calls without RTP keeps them, and a count of the
 * packets each way.
 *
 * The RTP session is opened before the call so that our SDP can name its
 * port; once the call is up, the peer's SDP (nua's SOATAG_REMOTE_SDP_STR,
 * parsed with Sofia's SDP parser) says where to send. A GLib timer sends
 * one 20 ms packet (160 bytes of PCMU silence) and reads what came in.
 */
#include "config.h"

#include "cli.h"

#include <sofia-sip/sdp.h>

#include <ortp/ortp.h>

#include <string.h>

#define CLI_RTP_PTIME_MS 20
#define CLI_RTP_SAMPLES  160            /* 20 ms at 8000 Hz */
#define CLI_PCMU_SILENCE 0xFF           /* mu-law zero */

/* Open the RTP session on @a host (NULL: any address), a port chosen by
 * the system. 0, or -1 (said). */
int cli_media_open(cli_t *cli, char const *host)
{
  RtpSession *s;
  char bare[64];

  if (host && host[0] == '[') {          /* "[::1]" from a SIP URL */
    g_strlcpy(bare, host + 1, sizeof bare);
    bare[strcspn(bare, "]")] = '\0';
    host = bare;
  }
  ortp_init();
  ortp_set_log_level_mask(ORTP_LOG_DOMAIN, ORTP_ERROR | ORTP_FATAL);
  s = rtp_session_new(RTP_SESSION_SENDRECV);
  rtp_session_set_scheduling_mode(s, FALSE);
  rtp_session_set_blocking_mode(s, FALSE);
  rtp_session_set_profile(s, &av_profile);
  rtp_session_set_payload_type(s, 0);        /* PCMU */
  rtp_session_enable_jitter_buffer(s, FALSE);  /* we count, we do not play */
  rtp_session_set_symmetric_rtp(s, TRUE);
  if (rtp_session_set_local_addr(s, host ? host : "0.0.0.0", -1, -1) < 0) {
    cli_say(cli, "media: oRTP cannot bind an RTP port on %s", host ? host : "any address");
    rtp_session_destroy(s);
    return -1;
  }
  cli->rtp = s;
  cli->rtp_port = rtp_session_get_local_port(s);
  return 0;
}

/* The peer's RTP address and port of the first audio stream of @a sdp.
 * 0, or -1 if there is none. */
static int remote_audio(char const *sdp, char *addr, size_t size, unsigned *port)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  sdp_parser_t *p = sdp_parse(home, sdp, strlen(sdp), 0);
  sdp_session_t *sess = sdp_session(p);
  sdp_media_t *m;
  int r = -1;

  for (m = sess ? sess->sdp_media : NULL; m; m = m->m_next) {
    sdp_connection_t const *c = m->m_connections ? m->m_connections : sess->sdp_connection;
    if (m->m_type != sdp_media_audio || m->m_port == 0 || c == NULL || c->c_address == NULL)
      continue;
    g_strlcpy(addr, c->c_address, size);
    *port = (unsigned)m->m_port;
    r = 0;
    break;
  }
  sdp_parser_free(p);
  su_home_deinit(home);
  return r;
}

static gboolean media_tick(gpointer arg)
{
  cli_t *cli = arg;
  uint8_t buf[CLI_RTP_SAMPLES * 2];
  int more = 1, guard = 8;

  memset(buf, CLI_PCMU_SILENCE, CLI_RTP_SAMPLES);
  rtp_session_send_with_ts(cli->rtp, buf, CLI_RTP_SAMPLES, cli->rtp_ts);
  /* Read what came in (oRTP counts it in its stats). */
  while (more && guard--) {
    more = 0;
    rtp_session_recv_with_ts(cli->rtp, buf, sizeof buf, cli->rtp_ts, &more);
  }
  cli->rtp_ts += CLI_RTP_SAMPLES;
  return G_SOURCE_CONTINUE;
}

/* The call is up (or its SDP changed): send to the peer's address. */
void cli_media_start(cli_t *cli, char const *remote_sdp)
{
  char addr[64];
  unsigned port;

  if (cli->rtp == NULL || remote_sdp == NULL)
    return;
  if (remote_audio(remote_sdp, addr, sizeof addr, &port) < 0) {
    cli_say(cli, "media: the peer's SDP has no audio stream: no RTP");
    return;
  }
  if (cli->rtp_timer && strcmp(addr, cli->rtp_addr) == 0 && port == cli->rtp_remote_port)
    return;
  if (rtp_session_set_remote_addr(cli->rtp, addr, (int)port) < 0) {
    cli_say(cli, "media: oRTP cannot send to %s port %u: no RTP", addr, port);
    return;
  }
  g_strlcpy(cli->rtp_addr, addr, sizeof cli->rtp_addr);
  cli->rtp_remote_port = port;
  cli_say(cli, "media: sending PCMU silence every %d ms from port %d to %s port %u (oRTP)",
          CLI_RTP_PTIME_MS, cli->rtp_port, addr, port);
  if (cli->rtp_timer == 0)
    cli->rtp_timer = g_timeout_add(CLI_RTP_PTIME_MS, media_tick, cli);
}

/* The call ended: stop sending and say how many packets went each way. */
void cli_media_stop(cli_t *cli)
{
  rtp_stats_t const *st;

  if (cli->rtp_timer == 0)
    return;
  g_source_remove(cli->rtp_timer);
  cli->rtp_timer = 0;
  st = rtp_session_get_stats(cli->rtp);
  cli_say(cli, "media: RTP packets sent %llu, received %llu (peer %s port %u)",
          (unsigned long long)st->packet_sent, (unsigned long long)st->packet_recv,
          cli->rtp_addr, cli->rtp_remote_port);
}

void cli_media_close(cli_t *cli)
{
  cli_media_stop(cli);
  if (cli->rtp) {
    rtp_session_destroy(cli->rtp);
    cli->rtp = NULL;
    ortp_exit();
  }
}
