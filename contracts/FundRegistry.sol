// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./interfaces/ICodeRegistry.sol";
import {IFundListener} from "./interfaces/IFundListener.sol";
import {IFundRegistry} from "./interfaces/IFundRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {Dates} from "./libraries/Dates.sol";
import {FundCode} from "./libraries/FundCode.sol";
import {Isin} from "./libraries/Isin.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title FundRegistry
/// @notice Investment trusts: the platform fund code, linked codes, related parties, the
/// lifecycle, and the acknowledgment workflow of establishment, attribute change and redemption.
/// @dev Attributes are carried in events and committed by hash; see {IFundRegistry}.
contract FundRegistry is PlatformControlled, IFundRegistry {
    /// @notice Most funds one {registerFunds} call takes.
    uint256 public constant MAX_BATCH = 256;
    /// @notice Most related parties a fund has (the asset manager and trustee included).
    uint256 public constant MAX_PARTIES = 16;
    /// @notice Most codes a registration links besides the platform and manager codes.
    uint256 public constant MAX_CODES = 8;
    /// @notice The namespace of platform fund codes (permanent: never freed, never reused).
    bytes32 public constant FUND_CODE_NAMESPACE = "BPFC";
    /// @notice The namespace of ISINs, whose check digit this contract verifies.
    bytes32 public constant ISIN_NAMESPACE = "ISIN";
    /// @notice Prefix of an asset manager's own namespace: "AM/" followed by its 20-byte LEI.
    bytes3 public constant MANAGER_NAMESPACE_PREFIX = "AM/";
    /// @notice Most bytes of a failing listener's revert data that {FundListenerFailed} carries.
    uint256 public constant MAX_LISTENER_REASON = 256;

    IParticipantRegistry private immutable _participants;
    ICodeRegistry private immutable _codes;

    mapping(bytes32 fundCode => Fund) private _funds;
    /// @dev Distributors and custodians; the asset manager and trustee are in the fund record.
    mapping(bytes32 fundCode => Party[]) private _parties;
    mapping(uint256 requestId => Request) private _requests;
    uint256 private _fundCount;
    uint256 private _requestCount;
    IFundListener private _listener;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry.
    /// @param codes_ The deployed CodeRegistry (this contract needs CODE_REGISTRAR_ROLE there, and
    /// to be the linker of BPFC, of AM and of the namespaces funds link codes in).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, ICodeRegistry codes_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _codes = codes_;
    }

    /// @inheritdoc IFundRegistry
    function registerFunds(FundRegistration[] calldata registrations) external returns (uint256 firstSerial) {
        bytes20 manager = _callerManager();
        if (registrations.length > MAX_BATCH) revert FundRegistryBatchTooLarge(registrations.length, MAX_BATCH);
        bytes32 managerNamespace = _managerNamespace(manager);
        if (!_codes.isNamespace(managerNamespace)) {
            _codes.openSubNamespace(managerNamespace, manager, "asset manager's own fund codes");
        }
        firstSerial = _fundCount + 1;
        for (uint256 i = 0; i < registrations.length; ++i) {
            _register(manager, managerNamespace, registrations[i]);
        }
    }

    /// @inheritdoc IFundRegistry
    function linkCodes(bytes32 fundCode, ICodeRegistry.Code[] calldata codes) external {
        bytes20 manager = _managedFund(fundCode).assetManager;
        if (codes.length > MAX_CODES) revert FundRegistryTooManyCodes(codes.length, MAX_CODES);
        for (uint256 i = 0; i < codes.length; ++i) {
            _checkCode(codes[i]);
        }
        _codes.linkAll(codes, ICodeRegistry.RecordKind.Fund, fundCode, manager);
    }

    /// @inheritdoc IFundRegistry
    function propose(
        bytes32 fundCode,
        RequestKind kind,
        FundAttributes calldata attributes,
        uint32 effectiveDate,
        uint32 dueDate
    ) external returns (uint256 requestId) {
        Fund storage fund = _managedFund(fundCode);
        if (kind == RequestKind.None) revert FundRegistryInvalidRequestKind(kind);
        if (fund.openRequest != 0) revert FundRegistryRequestPending(fundCode, fund.openRequest);
        FundStatus status = fund.status;
        bool allowed = kind == RequestKind.Establish
            ? status == FundStatus.Draft
            : (kind == RequestKind.Change || kind == RequestKind.Redeem)
                && (status == FundStatus.Established || status == FundStatus.Active || status == FundStatus.Suspended);
        if (!allowed) revert FundRegistryInvalidTransition(fundCode, status, _target(kind, status));
        _checkDate(effectiveDate);
        _checkDate(dueDate);
        if (kind == RequestKind.Redeem) {
            uint32 today = _today();
            if (dueDate < today) revert FundRegistryDueDatePassed(fundCode, dueDate, today);
        }
        _checkAttributes(attributes);

        Party[] storage parties = _parties[fundCode];
        uint32 required = 1; // bit 0: the trustee; bit i + 1: party i
        for (uint256 i = 0; i < parties.length; ++i) {
            if (parties[i].lei == attributes.trustee) revert FundRegistryTrusteeIsParty(fundCode, attributes.trustee);
            if (parties[i].required) required |= uint32(1 << (i + 1));
        }
        requestId = ++_requestCount;
        bytes32 hash = keccak256(abi.encode(attributes));
        _requests[requestId] = Request({
            fundCode: fundCode,
            attributesHash: hash,
            proposer: fund.assetManager,
            kind: kind,
            state: RequestState.Pending,
            requiredMask: required,
            ackMask: 0,
            effectiveDate: effectiveDate,
            dueDate: dueDate,
            establishmentDate: attributes.establishmentDate,
            redemptionDate: attributes.redemptionDate,
            trustee: attributes.trustee
        });
        fund.openRequest = uint32(requestId);
        emit ChangeProposed(requestId, fundCode, kind, fund.assetManager, attributes, hash, effectiveDate, dueDate, required);
        if (required == 0) _makeDefinitive(requestId);
    }

    /// @inheritdoc IFundRegistry
    function acknowledge(uint256 requestId) external {
        (Request storage request, bytes20 lei, uint32 bit) = _partyOfOpenRequest(requestId);
        if (request.ackMask & bit != 0) revert FundRegistryAlreadyAcknowledged(requestId, lei);
        request.ackMask |= bit;
        emit ChangeAcknowledged(requestId, request.fundCode, lei, msg.sender);
        if (request.ackMask == request.requiredMask) _makeDefinitive(requestId);
    }

    /// @inheritdoc IFundRegistry
    function reject(uint256 requestId, string calldata reason) external {
        (Request storage request, bytes20 lei, uint32 bit) = _partyOfOpenRequest(requestId);
        if (request.kind == RequestKind.Redeem && bit != 1) revert FundRegistryRedemptionNotRejectable(requestId, lei);
        request.state = RequestState.Rejected;
        _funds[request.fundCode].openRequest = 0;
        emit ChangeRejected(requestId, request.fundCode, lei, msg.sender, reason);
    }

    /// @inheritdoc IFundRegistry
    function withdraw(uint256 requestId) external {
        (Request storage request,) = _managedRequest(requestId);
        request.state = RequestState.Withdrawn;
        _funds[request.fundCode].openRequest = 0;
        emit ChangeWithdrawn(requestId, request.fundCode, msg.sender);
    }

    /// @inheritdoc IFundRegistry
    function completeRedemption(uint256 requestId) external {
        (Request storage request, Fund storage fund) = _managedRequest(requestId);
        bytes32 fundCode = request.fundCode;
        if (request.kind != RequestKind.Redeem) revert FundRegistryNotRedemption(requestId, request.kind);
        uint32 today = _today();
        if (today <= request.dueDate) revert FundRegistryNotPastDue(requestId, request.dueDate, today);
        uint32 outstanding = request.requiredMask & ~request.ackMask;
        if (outstanding & 1 != 0) revert FundRegistryTrusteeNotAcknowledged(requestId, fund.trustee);
        emit RedemptionCompletedPastDue(requestId, fundCode, msg.sender, outstanding);
        _makeDefinitive(requestId);
    }

    /// @inheritdoc IFundRegistry
    function waiveAcknowledgment(uint256 requestId, bytes20 lei, string calldata reason)
        external
        onlyPlatformRole(Roles.OPERATOR)
    {
        Request storage request = _openRequest(requestId);
        uint32 bit = _requiredBit(request, lei);
        if (bit == 0) revert FundRegistryPartyNotRequired(requestId, lei);
        if (request.ackMask & bit != 0) revert FundRegistryAlreadyAcknowledged(requestId, lei);
        if (_isActive(lei)) revert FundRegistryPartyActive(requestId, lei);
        uint32 required = request.requiredMask & ~bit;
        request.requiredMask = required;
        emit ChangeAcknowledgmentWaived(requestId, request.fundCode, lei, msg.sender, reason);
        if (request.ackMask == required) _makeDefinitive(requestId);
    }

    /// @inheritdoc IFundRegistry
    function closeRequest(uint256 requestId, string calldata reason) external onlyPlatformRole(Roles.OPERATOR) {
        Request storage request = _openRequest(requestId);
        if (!_awaitsInactiveParty(request)) revert FundRegistryRequiredPartiesActive(requestId);
        request.state = RequestState.Closed;
        _funds[request.fundCode].openRequest = 0;
        emit ChangeClosed(requestId, request.fundCode, msg.sender, reason);
    }

    /// @inheritdoc IFundRegistry
    function setStatus(bytes32 fundCode, FundStatus to) external {
        Fund storage fund = _managedFund(fundCode);
        FundStatus from = fund.status;
        bool allowed = (from == FundStatus.Established && to == FundStatus.Active)
            || (from == FundStatus.Active && to == FundStatus.Suspended)
            || (from == FundStatus.Suspended && to == FundStatus.Active)
            || (from == FundStatus.Redeeming && to == FundStatus.Redeemed);
        if (!allowed) revert FundRegistryInvalidTransition(fundCode, from, to);
        if (fund.openRequest != 0) revert FundRegistryRequestPending(fundCode, fund.openRequest);
        fund.status = to;
        uint32 version = ++fund.version;
        emit FundStatusChanged(fundCode, from, to, version);
        _notify(fundCode);
    }

    /// @inheritdoc IFundRegistry
    function setFundListener(address listener) external onlyPlatformRole(Roles.OPERATOR) {
        _listener = IFundListener(listener);
        emit FundListenerSet(listener, msg.sender);
    }

    /// @inheritdoc IFundRegistry
    function fundListener() external view returns (address) {
        return address(_listener);
    }

    /// @inheritdoc IFundRegistry
    function getFund(bytes32 fundCode) external view returns (Fund memory) {
        return _existingFund(fundCode);
    }

    /// @inheritdoc IFundRegistry
    function partiesOf(bytes32 fundCode) external view returns (Party[] memory parties) {
        Fund storage fund = _existingFund(fundCode);
        Party[] storage others = _parties[fundCode];
        parties = new Party[](others.length + 2);
        parties[0] = Party({lei: fund.assetManager, role: PartyRole.AssetManager, required: false});
        parties[1] = Party({lei: fund.trustee, role: PartyRole.Trustee, required: true});
        for (uint256 i = 0; i < others.length; ++i) {
            parties[i + 2] = others[i];
        }
    }

    /// @inheritdoc IFundRegistry
    function getRequest(uint256 requestId) external view returns (Request memory) {
        Request storage request = _requests[requestId];
        if (request.state == RequestState.None) revert FundRegistryUnknownRequest(requestId);
        return request;
    }

    /// @inheritdoc IFundRegistry
    function fundCount() external view returns (uint256) {
        return _fundCount;
    }

    /// @inheritdoc IFundRegistry
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc IFundRegistry
    function fundCodeOf(uint256 serial) external pure returns (bytes32) {
        return FundCode.format(serial);
    }

    function _register(bytes20 manager, bytes32 managerNamespace, FundRegistration calldata reg) private {
        FundAttributes calldata attributes = reg.attributes;
        _checkAttributes(attributes);
        uint256 codeCount = reg.codes.length;
        if (codeCount > MAX_CODES) revert FundRegistryTooManyCodes(codeCount, MAX_CODES);
        uint256 partyCount = reg.parties.length + 2;
        if (partyCount > MAX_PARTIES) revert FundRegistryTooManyParties(partyCount, MAX_PARTIES);
        if (_fundCount >= FundCode.MAX_SERIAL) revert FundRegistryCodesExhausted();

        bytes32 fundCode = FundCode.format(++_fundCount);
        bytes32 hash = keccak256(abi.encode(attributes));
        _funds[fundCode] = Fund({
            assetManager: manager,
            status: FundStatus.Draft,
            version: 1,
            effectiveDate: 0,
            trustee: attributes.trustee,
            establishmentDate: attributes.establishmentDate,
            redemptionDate: attributes.redemptionDate,
            openRequest: 0,
            attributesHash: hash
        });
        Party[] storage parties = _parties[fundCode];
        for (uint256 i = 0; i < reg.parties.length; ++i) {
            Party calldata party = reg.parties[i];
            if (party.role != PartyRole.Distributor && party.role != PartyRole.Custodian) {
                revert FundRegistryInvalidParty(party.lei, party.role);
            }
            if (party.lei == manager) revert FundRegistryManagerIsParty(party.lei);
            if (party.lei == attributes.trustee) revert FundRegistryTrusteeIsParty(fundCode, party.lei);
            _requireInstitution(party.lei, 0);
            for (uint256 j = 0; j < i; ++j) {
                if (reg.parties[j].lei == party.lei) revert FundRegistryDuplicateParty(party.lei);
            }
            parties.push(party);
        }
        emit FundRegistered(fundCode, manager, reg.managerCode, attributes, hash, reg.parties);

        ICodeRegistry.Code[] memory links = new ICodeRegistry.Code[](codeCount + 2);
        links[0] = ICodeRegistry.Code({namespace: FUND_CODE_NAMESPACE, value: fundCode});
        links[1] = ICodeRegistry.Code({namespace: managerNamespace, value: reg.managerCode});
        for (uint256 i = 0; i < codeCount; ++i) {
            _checkCode(reg.codes[i]);
            links[i + 2] = reg.codes[i];
        }
        _codes.linkAll(links, ICodeRegistry.RecordKind.Fund, fundCode, manager);
    }

    function _checkCode(ICodeRegistry.Code calldata code) private pure {
        if (code.namespace == ISIN_NAMESPACE && !Isin.isValid(code.value)) revert FundRegistryInvalidIsin(code.value);
        if (code.namespace == FUND_CODE_NAMESPACE || bytes3(code.namespace) == MANAGER_NAMESPACE_PREFIX) {
            revert FundRegistryInvalidCode(code.namespace, code.value);
        }
    }

    function _makeDefinitive(uint256 requestId) private {
        Request storage request = _requests[requestId];
        request.state = RequestState.Definitive;
        bytes32 fundCode = request.fundCode;
        Fund storage fund = _funds[fundCode];
        FundStatus from = fund.status;
        FundStatus to = _target(request.kind, from);
        fund.attributesHash = request.attributesHash;
        fund.effectiveDate = request.effectiveDate;
        fund.establishmentDate = request.establishmentDate;
        fund.redemptionDate = request.redemptionDate;
        fund.openRequest = 0;
        if (fund.trustee != request.trustee) fund.trustee = request.trustee;
        uint32 version = ++fund.version;
        emit FundVersionMadeDefinitive(fundCode, requestId, version, request.attributesHash, request.effectiveDate);
        if (to != from) {
            fund.status = to;
            emit FundStatusChanged(fundCode, from, to, version);
        }
        _notify(fundCode);
    }

    /// @dev The last step of a change (checks-effects-interactions): the listener is a platform
    /// contract named by the operator. Its failure cannot halt the fund's transition: an address
    /// without code (which a plain call would revert on before the try) or a revert is reported
    /// by {FundListenerFailed}, with at most MAX_LISTENER_REASON bytes of the revert data copied.
    function _notify(bytes32 fundCode) private {
        IFundListener listener = _listener;
        if (address(listener) == address(0)) return;
        if (address(listener).code.length == 0) {
            emit FundListenerFailed(fundCode, address(listener), "");
            return;
        }
        try listener.onFundChanged(fundCode, _funds[fundCode]) {}
        catch {
            emit FundListenerFailed(fundCode, address(listener), _returnedData());
        }
    }

    /// @dev The last call's return data, cut to MAX_LISTENER_REASON bytes (the whole of it could
    /// cost more memory than the transition has gas for).
    function _returnedData() private pure returns (bytes memory data) {
        uint256 size = MAX_LISTENER_REASON;
        assembly ("memory-safe") {
            if lt(returndatasize(), size) { size := returndatasize() }
        }
        data = new bytes(size);
        assembly ("memory-safe") {
            returndatacopy(add(data, 32), 0, size)
        }
    }

    function _target(RequestKind kind, FundStatus from) private pure returns (FundStatus) {
        if (kind == RequestKind.Establish) return FundStatus.Established;
        if (kind == RequestKind.Redeem) return FundStatus.Redeeming;
        return from;
    }

    function _partyOfOpenRequest(uint256 requestId)
        private
        view
        returns (Request storage request, bytes20 lei, uint32 bit)
    {
        lei = _participants.institutionOf(msg.sender); // the caller's active institution first
        if (lei == bytes20(0) || !_participants.isActiveOperator(msg.sender)) {
            revert FundRegistryNotInstitution(msg.sender);
        }
        request = _openRequest(requestId);
        bit = _requiredBit(request, lei);
        if (bit == 0) revert FundRegistryNotRequiredParty(requestId, msg.sender);
    }

    /// @dev The bit of `lei` in the request's masks when the request requires it (a waived party
    /// is no longer required), else 0. Bounded: a fund has at most MAX_PARTIES parties.
    function _requiredBit(Request storage request, bytes20 lei) private view returns (uint32) {
        uint32 required = request.requiredMask;
        if (_funds[request.fundCode].trustee == lei) return required & 1;
        Party[] storage parties = _parties[request.fundCode];
        for (uint256 i = 0; i < parties.length; ++i) {
            if (parties[i].lei == lei) return required & uint32(1 << (i + 1));
        }
        return 0;
    }

    /// @dev Whether a party the request still awaits is not active on the platform.
    function _awaitsInactiveParty(Request storage request) private view returns (bool) {
        uint32 outstanding = request.requiredMask & ~request.ackMask;
        if (outstanding & 1 != 0 && !_isActive(_funds[request.fundCode].trustee)) return true;
        Party[] storage parties = _parties[request.fundCode];
        for (uint256 i = 0; i < parties.length; ++i) {
            if (outstanding & uint32(1 << (i + 1)) != 0 && !_isActive(parties[i].lei)) return true;
        }
        return false;
    }

    function _isActive(bytes20 lei) private view returns (bool) {
        (, IParticipantRegistry.InstitutionStatus status) = _participants.statusOf(lei);
        return status == IParticipantRegistry.InstitutionStatus.Active;
    }

    function _openRequest(uint256 requestId) private view returns (Request storage request) {
        _requireNotPaused();
        request = _requests[requestId];
        if (request.state == RequestState.None) revert FundRegistryUnknownRequest(requestId);
        if (request.state != RequestState.Pending) revert FundRegistryRequestClosed(requestId, request.state);
    }

    function _callerManager() private view returns (bytes20 lei) {
        _requirePlatformRole(Roles.ASSET_MANAGER);
        lei = _participants.institutionOf(msg.sender);
        (IParticipantRegistry.InstitutionType kind, IParticipantRegistry.InstitutionStatus status) =
            _participants.statusOf(lei);
        if (
            lei == bytes20(0) || kind != IParticipantRegistry.InstitutionType.AssetManager
                || status != IParticipantRegistry.InstitutionStatus.Active
        ) revert FundRegistryNotAssetManager(msg.sender);
    }

    /// @dev An open request of a fund the caller manages: the caller's authority checked first.
    function _managedRequest(uint256 requestId) private view returns (Request storage request, Fund storage fund) {
        bytes20 manager = _callerManager();
        request = _openRequest(requestId);
        fund = _funds[request.fundCode];
        if (fund.assetManager != manager) revert FundRegistryNotFundManager(msg.sender, request.fundCode);
    }

    function _managedFund(bytes32 fundCode) private view returns (Fund storage fund) {
        bytes20 manager = _callerManager();
        fund = _existingFund(fundCode);
        if (fund.assetManager != manager) revert FundRegistryNotFundManager(msg.sender, fundCode);
    }

    function _existingFund(bytes32 fundCode) private view returns (Fund storage fund) {
        fund = _funds[fundCode];
        if (fund.status == FundStatus.None) revert FundRegistryUnknownFund(fundCode);
    }

    function _requireInstitution(bytes20 lei, uint8 expectedKind) private view {
        (IParticipantRegistry.InstitutionType kind, IParticipantRegistry.InstitutionStatus status) =
            _participants.statusOf(lei);
        bool kindOk = expectedKind == 0 ? kind != IParticipantRegistry.InstitutionType.None : uint8(kind) == expectedKind;
        if (!kindOk) revert FundRegistryInvalidInstitution(lei, expectedKind);
        if (status != IParticipantRegistry.InstitutionStatus.Active) revert FundRegistryInactiveInstitution(lei);
    }

    function _checkAttributes(FundAttributes calldata attributes) private view {
        if (bytes(attributes.nameJa).length == 0 && bytes(attributes.nameEn).length == 0) {
            revert FundRegistryNameMissing();
        }
        if (attributes.currency == bytes3(0)) revert FundRegistryInvalidCurrency(attributes.currency);
        if (attributes.fundType == 0) revert FundRegistryInvalidFundType(attributes.fundType);
        _checkDate(attributes.establishmentDate);
        if (attributes.redemptionDate != 0) {
            _checkDate(attributes.redemptionDate);
            if (attributes.redemptionDate <= attributes.establishmentDate) {
                revert FundRegistryRedemptionNotAfterEstablishment(
                    attributes.establishmentDate, attributes.redemptionDate
                );
            }
        }
        _requireInstitution(attributes.trustee, uint8(IParticipantRegistry.InstitutionType.TrustBank));
    }

    /// @dev The chain's date, yyyymmdd in UTC.
    function _today() private view returns (uint32) {
        return Dates.fromDays(block.timestamp / 1 days);
    }

    function _checkDate(uint32 date) private pure {
        if (!Dates.isValid(date)) revert FundRegistryInvalidDate(date);
    }

    function _managerNamespace(bytes20 lei) private pure returns (bytes32) {
        return bytes32(MANAGER_NAMESPACE_PREFIX) | (bytes32(lei) >> 24);
    }
}
