import Foundation
import PIV
import SmartCard

/// One door: watches its reader, reads each card presented (PIV by PKI-CAK, or a legacy UID), asks the
/// authority, and drives the lock.
///
/// Fail closed: a card that cannot be read, an authority that cannot be reached or answers nonsense, or any other
/// error leaves the door locked and signals a refusal. The Card Authentication certificate is cached by the card's
/// CHUID GUID, so a returning card costs three APDUs (SELECT, GET DATA CHUID, GENERAL AUTHENTICATE).
public actor DoorAgent {
    public struct Configuration: Sendable {
        public var door: String
        public var reader: String
        /// Used when a grant carries no `unlockSeconds`.
        public var defaultUnlockSeconds: Int

        public init(door: String, reader: String, defaultUnlockSeconds: Int = 5) {
            self.door = door
            self.reader = reader
            self.defaultUnlockSeconds = defaultUnlockSeconds
        }
    }

    private let configuration: Configuration
    private let reader: any CardReader
    private let authority: any AccessAuthority
    private let lock: any DoorLock
    private let certificates: PIVCertificateCache

    public init(configuration: Configuration, reader: any CardReader, authority: any AccessAuthority,
                lock: any DoorLock, certificateCache: PIVCertificateCache = PIVCertificateCache()) {
        self.configuration = configuration
        self.reader = reader
        self.authority = authority
        self.lock = lock
        self.certificates = certificateCache
    }

    /// Handles every card presented at the reader until the calling task is cancelled, reporting each tap.
    public func run(onTap: @Sendable (TapOutcome) async -> Void = { _ in }) async throws {
        for try await event in reader.events() {
            guard case .cardInserted(let name, _) = event, name == configuration.reader else { continue }
            await onTap(await handleCardPresented())
        }
    }

    /// Reads the card now in the reader, asks the authority and drives the lock.
    public func handleCardPresented() async -> TapOutcome {
        let started = ContinuousClock.now
        var outcome = await decide()
        outcome.duration = ContinuousClock.now - started
        switch outcome.result {
        case .answered(let answer) where answer.isGrant:
            await lock.unlock(seconds: answer.unlockSeconds ?? configuration.defaultUnlockSeconds)
        case .answered(let answer):
            await lock.signalDenied(reason: answer.reason)
        case .failed(let failure):
            await lock.signalDenied(reason: failure.code)
        }
        return outcome
    }

    private func decide() async -> TapOutcome {
        let channel: any CardChannel
        do {
            channel = try await reader.connect(reader: configuration.reader)
        } catch {
            return TapOutcome(door: configuration.door, credential: .notRead, result: .failed(.card("\(error)")))
        }
        defer { Task { try? await channel.disconnect(disposition: .leave) } }
        return await readAndAsk(channel, retryingWithoutCache: true)
    }

    private func readAndAsk(_ channel: any CardChannel, retryingWithoutCache: Bool) async -> TapOutcome {
        let door = configuration.door
        let client = PIVClient(channel: channel)
        let identity: PKICAKIdentity
        do {
            identity = try await client.identifyForPKICAK(cache: certificates)
        } catch let error as PIVError where Self.isNotPIV(error) {
            return await askWithUID(channel)
        } catch {
            return TapOutcome(door: door, credential: .notRead, result: .failed(.card("\(error)")))
        }
        // The challenge is asked for only now, with the certificate in hand: its lifetime covers one card
        // exchange and the access request, not the certificate read.
        let challenge: IssuedChallenge
        do {
            challenge = try await authority.challenge(door: door)
        } catch {
            return TapOutcome(door: door, credential: .notRead, result: .failed(.authority("\(error)")))
        }
        guard let challengeBytes = challenge.bytes, challengeBytes.count >= 16 else {
            return TapOutcome(door: door, credential: .notRead,
                              result: .failed(.authority("the challenge is not base64url of 16 bytes or more")))
        }
        let reading: PKICAKReading
        do {
            reading = try await client.signPKICAK(for: identity, challenge: challengeBytes, cache: certificates)
        } catch {
            return TapOutcome(door: door, credential: .notRead, result: .failed(.card("\(error)")))
        }
        let request = TapRequest(credential: .piv(certificate: reading.certificate.der, challenge: challenge.challenge,
                                                  signature: reading.signature))
        let result = await ask(request)
        if case .answered(let answer) = result, !answer.isGrant, reading.certificateFromCache, retryingWithoutCache,
           answer.reason == "signature_invalid" || answer.reason == "certificate_invalid" {
            // The card behind this GUID may have been re-issued: read its certificate afresh once.
            certificates.remove(reading.chuid.guid)
            return await readAndAsk(channel, retryingWithoutCache: false)
        }
        return TapOutcome(door: door, credential: .piv(guid: reading.chuid.guid,
                                                       certificateFromCache: reading.certificateFromCache),
                          result: result)
    }

    private func askWithUID(_ channel: any CardChannel) async -> TapOutcome {
        let uid: [UInt8]
        do {
            uid = try await channel.readUID()
        } catch {
            return TapOutcome(door: configuration.door, credential: .notRead, result: .failed(.card("\(error)")))
        }
        let result = await ask(TapRequest(credential: .uid(uid)))
        return TapOutcome(door: configuration.door, credential: .uid(uid), result: result)
    }

    private func ask(_ request: TapRequest) async -> TapOutcome.Result {
        do {
            return .answered(try await authority.requestAccess(door: configuration.door, request))
        } catch {
            return .failed(.authority("\(error)"))
        }
    }

    /// Whether the PIV exchange failed because the card has no PIV application (a UID-only card).
    static func isNotPIV(_ error: PIVError) -> Bool {
        switch error {
        case .notPIVCard: true
        case .card(_, let command): command == "SELECT"
        default: false
        }
    }
}

/// What happened at the door for one card.
public struct TapOutcome: Sendable, Hashable {
    public enum Credential: Sendable, Hashable {
        case piv(guid: UUID, certificateFromCache: Bool)
        case uid([UInt8])
        case notRead
    }

    /// Why the agent decided locally (the door stays locked).
    public enum Failure: Sendable, Hashable {
        /// The card could not be read (removed too soon, mute, malformed answers).
        case card(String)
        /// The authority could not be reached or gave an unusable answer.
        case authority(String)

        /// A stable code for the deny signal and the logs.
        public var code: String {
            switch self {
            case .card: "card_unreadable"
            case .authority: "authority_unavailable"
            }
        }
    }

    public enum Result: Sendable, Hashable {
        case answered(AccessAnswer)
        case failed(Failure)
    }

    public var door: String
    public var credential: Credential
    public var result: Result
    public var duration: Duration = .zero

    public var granted: Bool {
        if case .answered(let answer) = result { answer.isGrant } else { false }
    }

    /// The reason code shown to people: the authority's, or the local failure's.
    public var reason: String {
        switch result {
        case .answered(let answer): answer.reason
        case .failed(let failure): failure.code
        }
    }
}
