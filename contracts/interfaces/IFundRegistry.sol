// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./ICodeRegistry.sol";

/// @title The registry of investment trusts and the workflow that changes them
/// @notice A fund is keyed by its platform fund code. Its attributes travel in calldata and events
/// and are committed on chain by their hash; what contracts check or look up (status, version,
/// dates, asset manager, trustee, parties, codes) is stored. Establishment, attribute changes and
/// redemption are requests that become definitive when every required party acknowledges them.
/// A redemption is the asset manager's and the trustee's decision under the trust deed: the other
/// parties (distributors, custodians) acknowledge its receipt but cannot reject it, and one that
/// has not acknowledged by the due date no longer holds it up: after the due date the asset
/// manager completes it with the trustee's acknowledgment ({completeRedemption}). Its due date is
/// not before the chain's today, so that the other parties are given notice.
interface IFundRegistry {
    /// @notice Where a fund is in its life.
    enum FundStatus {
        None,
        Draft,
        Established,
        Active,
        Suspended,
        Redeeming,
        Redeemed
    }

    /// @notice What a related party is to a fund.
    enum PartyRole {
        None,
        AssetManager,
        Trustee,
        Distributor,
        Custodian
    }

    /// @notice What a request proposes.
    enum RequestKind {
        None,
        Establish,
        Change,
        Redeem
    }

    /// @notice Where a request is: Closed is ended by the operator while a required party could
    /// not act (see {closeRequest}).
    enum RequestState {
        None,
        Pending,
        Definitive,
        Rejected,
        Withdrawn,
        Closed
    }

    /// @notice A fund's attributes; the record's hash is keccak256(abi.encode(attributes)).
    /// Dates are yyyymmdd numbers; a redemption date of 0 means open-ended.
    struct FundAttributes {
        string nameJa;
        string nameEn;
        bytes20 trustee;
        uint8 fundType;
        bytes3 currency;
        uint32 establishmentDate;
        uint32 redemptionDate;
    }

    /// @notice A related party of a fund.
    struct Party {
        bytes20 lei;
        PartyRole role;
        bool required;
    }

    /// @notice A fund to register.
    struct FundRegistration {
        bytes32 managerCode;
        FundAttributes attributes;
        ICodeRegistry.Code[] codes;
        Party[] parties;
    }

    /// @notice A fund as stored.
    struct Fund {
        bytes20 assetManager;
        FundStatus status;
        uint32 version;
        uint32 effectiveDate;
        bytes20 trustee;
        uint32 establishmentDate;
        uint32 redemptionDate;
        uint32 openRequest;
        bytes32 attributesHash;
    }

    /// @notice A proposed change.
    struct Request {
        bytes32 fundCode;
        bytes32 attributesHash;
        bytes20 proposer;
        RequestKind kind;
        RequestState state;
        uint32 requiredMask;
        uint32 ackMask;
        uint32 effectiveDate;
        uint32 dueDate;
        uint32 establishmentDate;
        uint32 redemptionDate;
        bytes20 trustee;
    }

    /// @notice The caller is no operator of an active asset manager (with ASSET_MANAGER_ROLE).
    /// @param account The caller.
    error FundRegistryNotAssetManager(address account);
    /// @notice The caller's institution is not the fund's asset manager.
    /// @param account The caller.
    /// @param fundCode The fund.
    error FundRegistryNotFundManager(address account, bytes32 fundCode);
    /// @notice No fund has this platform fund code.
    /// @param fundCode The code given.
    error FundRegistryUnknownFund(bytes32 fundCode);
    /// @notice No request has this number.
    /// @param requestId The number given.
    error FundRegistryUnknownRequest(uint256 requestId);
    /// @notice The institution named is not on the platform, or not of the type required (the
    /// trustee must be a trust bank).
    /// @param lei The institution named.
    /// @param expectedKind The type required (IParticipantRegistry.InstitutionType; 0: any).
    error FundRegistryInvalidInstitution(bytes20 lei, uint8 expectedKind);
    /// @notice The institution named (the trustee or a party) is suspended.
    /// @param lei The institution named.
    error FundRegistryInactiveInstitution(bytes20 lei);
    /// @notice A listed party's role is neither distributor nor custodian.
    /// @param lei The party.
    /// @param role The role given.
    error FundRegistryInvalidParty(bytes20 lei, PartyRole role);
    /// @notice The asset manager is listed as one of its fund's parties.
    /// @param lei The asset manager.
    error FundRegistryManagerIsParty(bytes20 lei);
    /// @notice An institution is listed twice as a party of the fund.
    /// @param lei The party listed twice.
    error FundRegistryDuplicateParty(bytes20 lei);
    /// @notice Too many parties for one fund.
    /// @param count The number of parties (the asset manager and trustee included).
    /// @param maxCount The most allowed (MAX_PARTIES).
    error FundRegistryTooManyParties(uint256 count, uint256 maxCount);
    /// @notice Too many codes in one call.
    /// @param count The number given.
    /// @param maxCount The most allowed (MAX_CODES).
    error FundRegistryTooManyCodes(uint256 count, uint256 maxCount);
    /// @notice Too many funds in one call.
    /// @param size The number given.
    /// @param maxSize The most allowed (MAX_BATCH).
    error FundRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice An ISIN that is not well formed or whose check digit is wrong.
    /// @param value The code given.
    error FundRegistryInvalidIsin(bytes32 value);
    /// @notice A code in a namespace the registry links itself (platform fund codes, asset
    /// managers' own codes).
    /// @param namespace The namespace.
    /// @param value The code given.
    error FundRegistryInvalidCode(bytes32 namespace, bytes32 value);
    /// @notice A fund without a name (neither Japanese nor English).
    error FundRegistryNameMissing();
    /// @notice A fund without its currency (ISO 4217, ASCII).
    /// @param currency The currency given (zero).
    error FundRegistryInvalidCurrency(bytes3 currency);
    /// @notice A fund without its type.
    /// @param fundType The type given (zero).
    error FundRegistryInvalidFundType(uint8 fundType);
    /// @notice A redemption date that is not after the establishment date.
    /// @param establishmentDate The establishment date (yyyymmdd).
    /// @param redemptionDate The redemption date given (yyyymmdd).
    error FundRegistryRedemptionNotAfterEstablishment(uint32 establishmentDate, uint32 redemptionDate);
    /// @notice A date that is not a yyyymmdd date.
    /// @param date The date given.
    error FundRegistryInvalidDate(uint32 date);
    /// @notice A request that proposes nothing (RequestKind.None).
    /// @param kind The kind given.
    error FundRegistryInvalidRequestKind(RequestKind kind);
    /// @notice The fund's status does not allow the step (or the request) asked for.
    /// @param fundCode The fund.
    /// @param from Its status.
    /// @param to The status the step would give it.
    error FundRegistryInvalidTransition(bytes32 fundCode, FundStatus from, FundStatus to);
    /// @notice The fund has a request open: one at a time, and no status step meanwhile.
    /// @param fundCode The fund.
    /// @param requestId The open request.
    error FundRegistryRequestPending(bytes32 fundCode, uint256 requestId);
    /// @notice The request is no longer pending.
    /// @param requestId The request.
    /// @param state Where it is.
    error FundRegistryRequestClosed(uint256 requestId, RequestState state);
    /// @notice The caller is no operator of an active institution.
    /// @param account The caller.
    error FundRegistryNotInstitution(address account);
    /// @notice The caller's institution is not one whose acknowledgment the request requires.
    /// @param requestId The request.
    /// @param account The caller.
    error FundRegistryNotRequiredParty(uint256 requestId, address account);
    /// @notice The institution has acknowledged the request already.
    /// @param requestId The request.
    /// @param lei The institution.
    error FundRegistryAlreadyAcknowledged(uint256 requestId, bytes20 lei);
    /// @notice Every platform fund code has been issued (MAX_SERIAL funds).
    error FundRegistryCodesExhausted();
    /// @notice The fund's trustee would also be one of its listed parties (distributors and
    /// custodians): it acknowledges as the trustee only, so its party acknowledgment could never
    /// be given. Refused at registration and in a request naming such a trustee.
    /// @param fundCode The fund.
    /// @param lei The trustee that is a listed party.
    error FundRegistryTrusteeIsParty(bytes32 fundCode, bytes20 lei);
    /// @notice The institution is not a party whose acknowledgment the request still requires.
    /// @param requestId The request.
    /// @param lei The institution named.
    error FundRegistryPartyNotRequired(uint256 requestId, bytes20 lei);
    /// @notice The party is active on the platform and can act itself: its acknowledgment is not
    /// waived.
    /// @param requestId The request.
    /// @param lei The party.
    error FundRegistryPartyActive(uint256 requestId, bytes20 lei);
    /// @notice Every party the request still awaits is active on the platform: it is for them
    /// (or the asset manager, by withdrawing) to end the request, not the operator.
    /// @param requestId The request.
    error FundRegistryRequiredPartiesActive(uint256 requestId);
    /// @notice Only the trustee may reject a redemption; the other parties acknowledge its receipt.
    /// @param requestId The redemption request.
    /// @param lei The party that tried to reject it.
    error FundRegistryRedemptionNotRejectable(uint256 requestId, bytes20 lei);
    /// @notice The request is not a redemption.
    /// @param requestId The request.
    /// @param kind What it proposes.
    error FundRegistryNotRedemption(uint256 requestId, RequestKind kind);
    /// @notice The redemption's due date has not passed: the parties still have until then.
    /// @param requestId The redemption request.
    /// @param dueDate Its due date (yyyymmdd).
    /// @param today The chain's date (yyyymmdd, UTC).
    error FundRegistryNotPastDue(uint256 requestId, uint32 dueDate, uint32 today);
    /// @notice The trustee has not acknowledged the redemption (nor was its acknowledgment waived).
    /// @param requestId The redemption request.
    /// @param trustee The fund's trustee.
    error FundRegistryTrusteeNotAcknowledged(uint256 requestId, bytes20 trustee);
    /// @notice A redemption's due date is before the chain's today: the other parties would have
    /// no notice before the asset manager could complete it.
    /// @param fundCode The fund.
    /// @param dueDate The due date proposed (yyyymmdd).
    /// @param today The chain's date (yyyymmdd, UTC).
    error FundRegistryDueDatePassed(bytes32 fundCode, uint32 dueDate, uint32 today);

    /// @notice A fund was registered as a draft of its asset manager.
    /// @param fundCode The platform fund code issued.
    /// @param assetManager The asset manager (LEI).
    /// @param managerCode The asset manager's own code of the fund.
    /// @param attributes Its attributes.
    /// @param attributesHash keccak256 of the attributes' ABI encoding.
    /// @param otherParties Its listed parties (distributors and custodians).
    event FundRegistered(
        bytes32 indexed fundCode,
        bytes20 indexed assetManager,
        bytes32 managerCode,
        FundAttributes attributes,
        bytes32 attributesHash,
        Party[] otherParties
    );
    /// @notice The asset manager proposed an establishment, an attribute change or a redemption.
    /// @param requestId The request's number.
    /// @param fundCode The fund.
    /// @param kind What it proposes.
    /// @param proposer The asset manager (LEI).
    /// @param attributes The fund's attributes as they will be.
    /// @param attributesHash keccak256 of the attributes' ABI encoding.
    /// @param effectiveDate When the new version takes effect (yyyymmdd).
    /// @param dueDate By when the parties should acknowledge (yyyymmdd).
    /// @param requiredMask The parties whose acknowledgment it requires (bit 0 the trustee, bit
    /// i + 1 the listed party i).
    event ChangeProposed(
        uint256 indexed requestId,
        bytes32 indexed fundCode,
        RequestKind kind,
        bytes20 proposer,
        FundAttributes attributes,
        bytes32 attributesHash,
        uint32 effectiveDate,
        uint32 dueDate,
        uint32 requiredMask
    );
    /// @notice A required party acknowledged a request.
    /// @param requestId The request.
    /// @param fundCode The fund.
    /// @param lei The party.
    /// @param by The party's account.
    event ChangeAcknowledged(uint256 indexed requestId, bytes32 indexed fundCode, bytes20 indexed lei, address by);
    /// @notice A required party rejected a request, which is closed.
    /// @param requestId The request.
    /// @param fundCode The fund.
    /// @param lei The party.
    /// @param by The party's account.
    /// @param reason Why, for the proposer.
    event ChangeRejected(
        uint256 indexed requestId, bytes32 indexed fundCode, bytes20 indexed lei, address by, string reason
    );
    /// @notice The asset manager withdrew its pending request.
    /// @param requestId The request.
    /// @param fundCode The fund.
    /// @param by The asset manager's account.
    event ChangeWithdrawn(uint256 indexed requestId, bytes32 indexed fundCode, address by);
    /// @notice The operator waived the acknowledgment of a required party that is suspended or
    /// no longer registered: the request no longer requires it.
    /// @param requestId The request.
    /// @param fundCode The fund.
    /// @param lei The party whose acknowledgment is waived.
    /// @param by The operator's account.
    /// @param reason Why, for the parties.
    event ChangeAcknowledgmentWaived(
        uint256 indexed requestId, bytes32 indexed fundCode, bytes20 indexed lei, address by, string reason
    );
    /// @notice The operator closed a request that awaited a party that is suspended or no longer
    /// registered.
    /// @param requestId The request.
    /// @param fundCode The fund.
    /// @param by The operator's account.
    /// @param reason Why, for the parties.
    event ChangeClosed(uint256 indexed requestId, bytes32 indexed fundCode, address by, string reason);
    /// @notice The asset manager completed a redemption after its due date with the trustee's
    /// acknowledgment; FundVersionMadeDefinitive follows.
    /// @param requestId The redemption request.
    /// @param fundCode The fund.
    /// @param by The asset manager's account.
    /// @param unacknowledgedMask The required parties that had not acknowledged (bits as in the
    /// request's masks).
    event RedemptionCompletedPastDue(
        uint256 indexed requestId, bytes32 indexed fundCode, address by, uint32 unacknowledgedMask
    );
    /// @notice A request became definitive: the fund has a new version.
    /// @param fundCode The fund.
    /// @param requestId The request.
    /// @param version The fund's new version.
    /// @param attributesHash keccak256 of the attributes' ABI encoding, now the fund's.
    /// @param effectiveDate When the version takes effect (yyyymmdd).
    event FundVersionMadeDefinitive(
        bytes32 indexed fundCode, uint256 indexed requestId, uint32 version, bytes32 attributesHash, uint32 effectiveDate
    );
    /// @notice The operator named the contract told of every definitive fund change.
    /// @param listener The listener (the zero address: none).
    /// @param by The operator's account.
    event FundListenerSet(address indexed listener, address by);

    /// @notice A fund's status changed.
    /// @param fundCode The fund.
    /// @param from The status before.
    /// @param to The status now.
    /// @param version The fund's version.
    event FundStatusChanged(bytes32 indexed fundCode, FundStatus from, FundStatus to, uint32 version);
    /// @notice The listener refused or failed to take a fund's change; the change stands, and the
    /// listener's copy of the fund lags until it is synced again (DistributionRegistry.syncFund,
    /// by anyone).
    /// @param fundCode The fund whose change the listener was told of.
    /// @param listener The listener that failed.
    /// @param reason What the listener reverted with (at most MAX_LISTENER_REASON bytes; empty
    /// when it has no code or ran out of gas without a reason).
    event FundListenerFailed(bytes32 indexed fundCode, address indexed listener, bytes reason);

    /// @notice Register funds as drafts of the caller's institution (an asset manager), issuing
    /// each a platform fund code and linking its codes; all or none. A listed party is a
    /// distributor or custodian, neither the asset manager nor the trustee.
    /// @param registrations At most MAX_BATCH funds.
    /// @return firstSerial The serial number of the first fund; the others follow in order.
    function registerFunds(FundRegistration[] calldata registrations) external returns (uint256 firstSerial);

    /// @notice Link more codes to a fund (its asset manager), any number over several calls.
    /// @param fundCode The fund.
    /// @param codes At most MAX_CODES free codes, in namespaces whose linkers include this
    /// registry for funds (see ICodeRegistry); ISINs have their check digit verified.
    function linkCodes(bytes32 fundCode, ICodeRegistry.Code[] calldata codes) external;

    /// @notice Propose an establishment, attribute change or redemption of a fund.
    /// @param fundCode The fund.
    /// @param kind Establish (a draft), Change, or Redeem.
    /// @param attributes The fund's attributes as they will be; a new trustee is a trust bank
    /// that is not one of the fund's listed parties.
    /// @param effectiveDate When the new version takes effect (yyyymmdd).
    /// @param dueDate By when the parties should acknowledge (yyyymmdd); for a redemption, not
    /// before the chain's today.
    /// @return requestId The request's number.
    function propose(
        bytes32 fundCode,
        RequestKind kind,
        FundAttributes calldata attributes,
        uint32 effectiveDate,
        uint32 dueDate
    ) external returns (uint256 requestId);

    /// @notice Acknowledge a request for the caller's institution; the last acknowledgment makes it definitive.
    /// @param requestId The request.
    function acknowledge(uint256 requestId) external;

    /// @notice Reject a request for the caller's institution; it is closed. A redemption can be
    /// rejected by the trustee only.
    /// @param requestId The request.
    /// @param reason Why, for the proposer.
    function reject(uint256 requestId, string calldata reason) external;

    /// @notice Withdraw a pending request (its fund's asset manager).
    /// @param requestId The request.
    function withdraw(uint256 requestId) external;

    /// @notice Complete a redemption whose due date has passed, with the trustee's acknowledgment,
    /// whether or not the other parties acknowledged it (the fund's asset manager): the fund is
    /// redeeming. A redemption is the asset manager's and the trustee's decision under the trust
    /// deed; the other parties' acknowledgment is of receipt, and cannot hold it up past its due
    /// date.
    /// @param requestId The pending redemption request.
    function completeRedemption(uint256 requestId) external;

    /// @notice Waive the acknowledgment of a required party that is not active on the platform
    /// (suspended, or no longer registered), which could otherwise never give it: the request no
    /// longer requires that party and becomes definitive when every other required party has
    /// acknowledged, by the normal rules. The trustee's included: a request replacing a failed
    /// trustee is the usual case. Only the platform operator (OPERATOR_ROLE) for now; a
    /// governance decision replaces this authority.
    /// @param requestId The pending request.
    /// @param lei The party (it has not acknowledged, and is not active).
    /// @param reason Why, for the parties.
    function waiveAcknowledgment(uint256 requestId, bytes20 lei, string calldata reason) external;

    /// @notice Close a pending request that awaits the acknowledgment of at least one party that
    /// is not active on the platform (suspended, or no longer registered); the fund is free for
    /// a new request. Only the platform operator (OPERATOR_ROLE) for now; a governance decision
    /// replaces this authority.
    /// @param requestId The pending request.
    /// @param reason Why, for the parties.
    function closeRequest(uint256 requestId, string calldata reason) external;

    /// @notice Move a fund along the lifecycle steps that need no acknowledgment:
    /// Established→Active, Active→Suspended, Suspended→Active, Redeeming→Redeemed.
    /// @param fundCode The fund.
    /// @param to The new status.
    function setStatus(bytes32 fundCode, FundStatus to) external;

    /// @notice A fund's latest definitive record.
    /// @param fundCode The fund.
    /// @return The record; reverts for an unknown fund.
    function getFund(bytes32 fundCode) external view returns (Fund memory);

    /// @notice A fund's related parties. Bit 0 of a request's masks is the trustee (the second
    /// party), bit i + 1 the party at position i + 2.
    /// @param fundCode The fund.
    /// @return parties The parties, the asset manager first and the trustee second.
    function partiesOf(bytes32 fundCode) external view returns (Party[] memory parties);

    /// @notice A request.
    /// @param requestId The request.
    /// @return The request; reverts for an unknown one.
    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice How many funds have been registered (the last serial number issued).
    /// @return The count.
    function fundCount() external view returns (uint256);

    /// @notice How many requests have been made (the last request number).
    /// @return The count.
    function requestCount() external view returns (uint256);

    /// @notice The platform fund code of serial number `serial`.
    /// @param serial A serial number.
    /// @return The code.
    function fundCodeOf(uint256 serial) external pure returns (bytes32);

    /// @notice Name the contract told of every definitive change of a fund (the operator); the
    /// zero address tells no one.
    /// @param listener The listener contract (an IFundListener).
    function setFundListener(address listener) external;

    /// @notice The contract told of every definitive change of a fund.
    /// @return The listener, or the zero address.
    function fundListener() external view returns (address);
}
