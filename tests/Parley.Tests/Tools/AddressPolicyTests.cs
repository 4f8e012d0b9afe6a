using System.Net;
using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

/// <summary>The SSRF rule itself, judged without connecting anywhere.</summary>
public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.1.2.3", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("10.255.255.255", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("169.254.0.1", "link-local (cloud metadata)")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("100.100.100.200", "shared (CGNAT)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("240.0.0.1", "reserved or broadcast")]
    [InlineData("192.0.2.10", "documentation")]
    [InlineData("198.18.0.1", "benchmarking")]
    [InlineData("fd00::1", "unique local (private)")]
    [InlineData("fc00::1", "unique local (private)")]
    [InlineData("fd00:ec2::254", "unique local (private)")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("::10.0.0.1", "private")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local (cloud metadata)")]
    [InlineData("64:ff9b:1::1", "local NAT64")]
    [InlineData("2002:a00:1::1", "private")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo")]
    [InlineData("100::1", "discard")]
    [InlineData("::2", "unspecified")]
    [InlineData("4000::1", "reserved IPv6")]
    public void BlocksNonPublicAddresses(string address, string reason)
    {
        var ip = IPAddress.Parse(address);

        Assert.Equal(reason, AddressPolicy.GetBlockReason(ip));
        Assert.False(new AddressPolicy().IsAllowed(ip, 80));
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void AllowsPublicAddresses(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.Null(AddressPolicy.GetBlockReason(ip));
        Assert.True(new AddressPolicy().IsAllowed(ip, 443));
    }

    [Fact]
    public void AllowlistedAddressAndPortAllowsExactlyThatPort()
    {
        var policy = new AddressPolicy(["127.0.0.1:8888"]);

        Assert.True(policy.IsAllowed(IPAddress.Loopback, 8888));
        Assert.True(policy.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), 8888));
        Assert.False(policy.IsAllowed(IPAddress.Loopback, 8889));
        Assert.False(policy.IsAllowed(IPAddress.Parse("127.0.0.2"), 8888));
        Assert.False(policy.IsAllowed(IPAddress.IPv6Loopback, 8888));
    }

    [Fact]
    public void AllowlistAcceptsNetworksAddressesIPv6EndpointsAndHosts()
    {
        var policy = new AddressPolicy(["10.1.0.0/16", "192.168.1.5", "[::1]:9000", "fd12::/16", "searx.lan", "Intranet.Example:8080", " "]);

        Assert.True(policy.IsAllowed(IPAddress.Parse("10.1.200.3"), 80));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.2.0.1"), 80));
        Assert.True(policy.IsAllowed(IPAddress.Parse("192.168.1.5"), 1234));
        Assert.False(policy.IsAllowed(IPAddress.Parse("192.168.1.6"), 1234));
        Assert.True(policy.IsAllowed(IPAddress.IPv6Loopback, 9000));
        Assert.False(policy.IsAllowed(IPAddress.IPv6Loopback, 9001));
        Assert.True(policy.IsAllowed(IPAddress.Parse("fd12::7"), 443));
        Assert.False(policy.IsAllowed(IPAddress.Parse("169.254.169.254"), 80));

        Assert.True(policy.IsHostAllowed("searx.lan", 8080));
        Assert.True(policy.IsHostAllowed("SEARX.LAN.", 443));
        Assert.True(policy.IsHostAllowed("intranet.example", 8080));
        Assert.False(policy.IsHostAllowed("intranet.example", 80));
        Assert.False(policy.IsHostAllowed("localhost", 80));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not a host")]
    [InlineData("http://x/")]
    public void RejectsMalformedAllowlistEntries(string entry) =>
        Assert.Throws<ArgumentException>(() => new AddressPolicy([entry]));
}
