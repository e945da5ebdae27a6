package io.faultline.policy.escrow;

import java.util.Optional;

/**
 * One admission partition's side of the escrow protocol (ADR 0012), free of Kafka: what to do with
 * a request when this partition's tokens are all in use, with a peer's ask, and with a grant. Every
 * call happens inside one exactly-once transaction of the partition, so what it stores through
 * {@link Ledger} and sends through {@link Port} commit together or not at all.
 *
 * <p>A request whose only failed rule is the platform limit is parked, and the partition asks every
 * peer for as many tokens as requests wait. Peers answer each ask once, giving what is free (their
 * share lowered in the same transaction). Parked requests are decided, oldest first, as soon as a
 * token is free (a grant, or a release here). Once every peer has answered, the requests the round
 * was asked for that still wait are decided at once, so rejected for the platform limit: no peer
 * had a token left for them; requests parked during the round get a round of their own. A request
 * therefore waits for at most two rounds.
 *
 * @param <R> a request
 */
public final class EscrowDesk<R> {

  /** What the partition stores, in the transaction of the call. */
  public interface Ledger<R> {
    Share share();

    void share(Share value);

    void park(R request);

    /** The oldest parked request, taken off the queue. */
    Optional<R> next();

    int parked();
  }

  /** What the partition knows and does. */
  public interface Port<R> {
    /** Faults holding one of this partition's tokens. */
    int active();

    /** True when every rule but the platform limit would pass for {@code request} now. */
    boolean shortOfTokensOnly(R request);

    /** Decides {@code request} now against every rule, the platform limit with this share. */
    void decide(R request);

    void send(Ask ask);

    void send(Grant grant);
  }

  private final Ledger<R> ledger;
  private final Port<R> port;

  public EscrowDesk(Ledger<R> ledger, Port<R> port) {
    this.ledger = ledger;
    this.port = port;
  }

  /** Decides {@code request} now, or parks it while this partition asks for tokens. */
  public void admit(R request) {
    if (waits(request)) {
      ledger.park(request);
      ask();
      return;
    }
    port.decide(request);
  }

  /** Gives a peer what is free here; a partition with parked requests has nothing free. */
  public void answer(Ask ask) {
    Share share = ledger.share();
    // Tokens all held, whatever the share (also a negative one after a lowered budget).
    int held = ledger.parked() > 0 ? Math.max(share.tokens(), port.active()) : port.active();
    Share.Answered answered = share.answer(ask, held);
    ledger.share(answered.share());
    port.send(answered.grant());
  }

  public void receive(Grant grant) {
    ledger.share(ledger.share().receive(grant));
    settle();
  }

  /**
   * Decides parked requests while tokens are free. Once every peer has answered, the requests the
   * round was asked for and that still wait are decided (rejected: no peer had a token left for
   * them), and those parked since get a round of their own.
   */
  public void settle() {
    while (ledger.parked() > 0 && port.active() < ledger.share().tokens()) {
      decideNext();
    }
    if (ledger.parked() == 0 || ledger.share().asking()) {
      return;
    }
    while (ledger.share().covered() > 0 && ledger.parked() > 0) {
      decideNext();
    }
    ledger.share(ledger.share().uncovered());
    if (ledger.parked() > 0) {
      ask();
    }
  }

  private void decideNext() {
    ledger.share(ledger.share().decidedOne());
    ledger.next().ifPresent(port::decide);
  }

  private boolean waits(R request) {
    Share share = ledger.share();
    if (share.partitions() == 1 || (ledger.parked() == 0 && port.active() < share.tokens())) {
      return false;
    }
    return port.shortOfTokensOnly(request);
  }

  private void ask() {
    ledger
        .share()
        .ask(ledger.parked())
        .ifPresent(
            asked -> {
              ledger.share(asked.share());
              port.send(asked.ask());
            });
  }
}
