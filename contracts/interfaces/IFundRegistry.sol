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

    error FundRegistryNotAssetManager(address account);
    error FundRegistryNotFundManager(address account, bytes32 fundCode);
    error FundRegistryUnknownFund(bytes32 fundCode);
    error FundRegistryUnknownRequest(uint256 requestId);
    error FundRegistryInvalidInstitution(bytes20 lei, uint8 expectedKind);
    error FundRegistryInvalidParty(bytes20 lei, PartyRole role);
    error FundRegistryTooManyParties(uint256 count, uint256 maxCount);
    error FundRegistryTooManyCodes(uint256 count, uint256 maxCount);
    error FundRegistryBatchTooLarge(uint256 size, uint256 maxSize);
    error FundRegistryInvalidIsin(bytes32 value);
    error FundRegistryInvalidCode(bytes32 namespace, bytes32 value);
    error FundRegistryInvalidAttributes(string field);
    error FundRegistryInvalidDate(uint32 date);
    error FundRegistryInvalidTransition(bytes32 fundCode, FundStatus from, FundStatus to);
    error FundRegistryRequestPending(bytes32 fundCode, uint256 requestId);
    error FundRegistryRequestClosed(uint256 requestId, RequestState state);
    error FundRegistryNotRequiredParty(uint256 requestId, address account);
    error FundRegistryAlreadyAcknowledged(uint256 requestId, bytes20 lei);
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

    event FundRegistered(
        bytes32 indexed fundCode,
        bytes20 indexed assetManager,
        bytes32 managerCode,
        FundAttributes attributes,
        bytes32 attributesHash,
        Party[] otherParties
    );
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
    event ChangeAcknowledged(uint256 indexed requestId, bytes32 indexed fundCode, bytes20 indexed lei, address by);
    event ChangeRejected(
        uint256 indexed requestId, bytes32 indexed fundCode, bytes20 indexed lei, address by, string reason
    );
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
    /// acknowledgment; FundVersionDefinitive follows.
    /// @param requestId The redemption request.
    /// @param fundCode The fund.
    /// @param by The asset manager's account.
    /// @param unacknowledgedMask The required parties that had not acknowledged (bits as in the
    /// request's masks).
    event RedemptionCompletedPastDue(
        uint256 indexed requestId, bytes32 indexed fundCode, address by, uint32 unacknowledgedMask
    );
    event FundVersionDefinitive(
        bytes32 indexed fundCode, uint256 indexed requestId, uint32 version, bytes32 attributesHash, uint32 effectiveDate
    );
    /// @notice The operator named the contract told of every definitive fund change.
    event FundListenerSet(address indexed listener, address by);

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
