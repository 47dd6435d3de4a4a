// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICodeRegistry} from "./interfaces/ICodeRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPlatformAccess} from "./interfaces/IPlatformAccess.sol";
import {ISecurityRegistry} from "./interfaces/ISecurityRegistry.sol";
import {Isin} from "./libraries/Isin.sol";
import {Roles} from "./libraries/Roles.sol";
import {PlatformControlled} from "./PlatformControlled.sol";

/// @title SecurityRegistry
/// @notice The security master; see {ISecurityRegistry}. Data providers register; the ISIN and
/// the local code (namespace "LOCAL/<MIC>") are linked in the CodeRegistry, shared with funds. The
/// registering institution is the security's provider; its number is kept eight to a slot.
contract SecurityRegistry is PlatformControlled, ISecurityRegistry {
    /// @notice Most securities one {registerSecurities} call takes.
    uint256 public constant MAX_BATCH = 256;
    /// @notice The namespace of ISINs in the CodeRegistry.
    bytes32 public constant ISIN_NAMESPACE = "ISIN";
    /// @notice Prefix of a market's local-code namespace: "LOCAL/" and the MIC.
    bytes6 public constant LOCAL_NAMESPACE_PREFIX = "LOCAL/";
    /// @notice Provider numbers per slot (32 bits each).
    uint256 public constant PROVIDER_LANES = 8;
    /// @notice Most slots one {providerSlots} call returns (8,192 securities).
    uint256 public constant MAX_PROVIDER_SLOTS = 1024;

    ICodeRegistry private immutable _codes;
    IParticipantRegistry private immutable _participants;
    mapping(bytes12 isin => Security) private _byIsin;
    mapping(uint32 index => bytes12 isin) private _isinAt;
    uint32 private _count;
    uint32 private _providerCount;
    mapping(bytes20 lei => uint32 number) private _providerNumbers;
    mapping(uint32 number => bytes20 lei) private _providerLeis;
    mapping(uint256 slot => uint256 numbers) private _providerSlots;

    /// @param access_ The deployed PlatformAccess.
    /// @param participants_ The deployed ParticipantRegistry (a security's provider is an institution).
    /// @param codes_ The deployed CodeRegistry (this contract needs CODE_REGISTRAR_ROLE there, and
    /// to be the linker of ISIN and LOCAL for securities).
    constructor(IPlatformAccess access_, IParticipantRegistry participants_, ICodeRegistry codes_)
        PlatformControlled(access_)
    {
        _participants = participants_;
        _codes = codes_;
    }

    /// @inheritdoc ISecurityRegistry
    function registerSecurities(SecurityInput[] calldata inputs) external onlyPlatformRole(Roles.DATA_PROVIDER) {
        if (inputs.length > MAX_BATCH) revert SecurityRegistryBatchTooLarge(inputs.length, MAX_BATCH);
        bytes20 lei = _participants.institutionOf(msg.sender);
        if (lei == bytes20(0)) revert SecurityRegistryNoInstitution(msg.sender);
        uint32 number = _providerNumbers[lei];
        if (number == 0) {
            number = ++_providerCount;
            _providerNumbers[lei] = number;
            _providerLeis[number] = lei;
        }
        for (uint256 i = 0; i < inputs.length; ++i) {
            _register(inputs[i], lei, number);
        }
    }

    /// @inheritdoc ISecurityRegistry
    function getSecurity(bytes12 isin) external view returns (Security memory security) {
        security = _byIsin[isin];
        if (security.index == 0) revert SecurityRegistryUnknownSecurity(isin);
    }

    /// @inheritdoc ISecurityRegistry
    function securityAt(uint32 index) external view returns (Security memory) {
        bytes12 isin = _isinAt[index];
        if (isin == bytes12(0)) revert SecurityRegistryUnknownIndex(index);
        return _byIsin[isin];
    }

    /// @inheritdoc ISecurityRegistry
    function securityCount() external view returns (uint256) {
        return _count;
    }

    /// @inheritdoc ISecurityRegistry
    function providerOf(uint32 index) external view returns (bytes20) {
        if (index == 0 || index > _count) revert SecurityRegistryUnknownIndex(index);
        uint256 zeroBased = uint256(index) - 1;
        uint256 shift = (zeroBased % PROVIDER_LANES) * 32;
        return _providerLeis[uint32(_providerSlots[zeroBased / PROVIDER_LANES] >> shift)];
    }

    /// @inheritdoc ISecurityRegistry
    function providerNumberOf(bytes20 lei) external view returns (uint32) {
        return _providerNumbers[lei];
    }

    /// @inheritdoc ISecurityRegistry
    function providerSlots(uint32 firstSlot, uint32 count) external view returns (uint256[] memory slots) {
        if (count > MAX_PROVIDER_SLOTS) revert SecurityRegistryBatchTooLarge(count, MAX_PROVIDER_SLOTS);
        slots = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            slots[i] = _providerSlots[uint256(firstSlot) + i];
        }
    }

    function _register(SecurityInput calldata input, bytes20 lei, uint32 number) private {
        bytes12 isin = input.isin;
        if (!Isin.isValid(bytes32(isin))) revert SecurityRegistryInvalidIsin(isin);
        if (_byIsin[isin].index != 0) revert SecurityRegistryAlreadyRegistered(isin, _byIsin[isin].index);
        if (input.market == bytes4(0)) revert SecurityRegistryInvalidMarket(isin, input.market);
        if (input.currency == bytes3(0)) revert SecurityRegistryInvalidCurrency(isin, input.currency);
        if (bytes(input.name).length == 0) revert SecurityRegistryNameMissing(isin);
        uint32 index = ++_count;
        _byIsin[isin] = Security({isin: isin, market: input.market, currency: input.currency, index: index});
        _isinAt[index] = isin;
        uint256 zeroBased = uint256(index) - 1;
        _providerSlots[zeroBased / PROVIDER_LANES] |= uint256(number) << ((zeroBased % PROVIDER_LANES) * 32);
        emit SecurityRegistered(index, isin, input.localCode, input.market, input.currency, input.name, lei);

        uint256 links = input.localCode == bytes8(0) ? 1 : 2;
        ICodeRegistry.Code[] memory codes = new ICodeRegistry.Code[](links);
        codes[0] = ICodeRegistry.Code({namespace: ISIN_NAMESPACE, value: bytes32(isin)});
        if (links == 2) {
            bytes32 namespace = bytes32(LOCAL_NAMESPACE_PREFIX) | (bytes32(input.market) >> 48);
            if (!_codes.isNamespace(namespace)) _codes.openSubNamespace(namespace, bytes20(0), "local securities codes");
            codes[1] = ICodeRegistry.Code({namespace: namespace, value: bytes32(input.localCode)});
        }
        _codes.linkAll(codes, ICodeRegistry.RecordKind.Security, bytes32(isin), lei);
    }
}
