/*
 * A slow link for the cluster rig's nemesis (scripts/cluster/netns.sh, "slow"): holds every
 * packet that iptables queues to NFQUEUE QUEUE for DELAY_MS +- JITTER_MS (uniform), then lets it
 * go. What `tc qdisc add ... netem delay` does, for kernels built without sch_netem; loss is an
 * iptables `statistic` rule in front of the queue. Run inside the host's namespace:
 *
 *   netdelay QUEUE DELAY_MS JITTER_MS
 *
 * Packets are held in a min-heap by their due time; a full heap lets a packet through at once.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CAP 65536
struct held { uint64_t due; uint32_t id; };
static struct held heap[CAP];
static int size;
static long delay_ms, jitter_ms;
static struct nfq_q_handle *qh;

static uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void push(struct held h) {
  int i = size++;
  while (i > 0 && heap[(i - 1) / 2].due > h.due) { heap[i] = heap[(i - 1) / 2]; i = (i - 1) / 2; }
  heap[i] = h;
}

static struct held pop(void) {
  struct held top = heap[0], last = heap[--size];
  int i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && heap[c + 1].due < heap[c].due) c++;
    if (heap[c].due >= last.due) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = last;
  return top;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg; (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  if (size == CAP) return nfq_set_verdict(q, id, NF_ACCEPT, 0, NULL);
  long d = delay_ms + (jitter_ms > 0 ? (random() % (2 * jitter_ms + 1)) - jitter_ms : 0);
  push((struct held){ now_ms() + (d > 0 ? d : 0), id });
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: netdelay QUEUE DELAY_MS JITTER_MS\n"); return 2; }
  delay_ms = atol(argv[2]);
  jitter_ms = atol(argv[3]);
  srandom((unsigned)now_ms());
  struct nfq_handle *h = nfq_open();
  if (!h) { perror("nfq_open"); return 1; }
  qh = nfq_create_queue(h, (uint16_t)atoi(argv[1]), on_packet, NULL);
  if (!qh) { perror("nfq_create_queue"); return 1; }
  nfq_set_mode(qh, NFQNL_COPY_META, 0);
  nfq_set_queue_maxlen(qh, CAP);
  int fd = nfq_fd(h);
  char buf[65536] __attribute__((aligned));
  for (;;) {
    uint64_t t = now_ms();
    while (size > 0 && heap[0].due <= t) nfq_set_verdict(qh, pop().id, NF_ACCEPT, 0, NULL);
    int timeout = size > 0 ? (int)(heap[0].due - t) : 1000;
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, timeout) > 0) {
      for (;;) {
        int n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) { nfq_handle_packet(h, buf, n); continue; }
        if (n < 0 && errno == ENOBUFS) continue; /* the kernel dropped some: loss, as on a full link */
        break;
      }
    }
  }
}
